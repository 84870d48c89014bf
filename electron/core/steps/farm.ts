import { UpgradeError, msg } from '../../shared/message';
import type { Evidence } from '../../shared/plan';
import { sameVersionText } from '../../shared/version-name';
import { farmMembers, farmQuiet } from '../farm/gates';
import { type LedgerDbBackup, sameHost } from '../farm/ledger';
import { hostsWithCrmSessions } from '../farm/members';
import type { CrmConnection } from '../ports';
import type { StepContext, StepDefinition, StepOutcome, UndoOutcome } from '../run/context';
import { restoreDatabase, versionOrNull } from './artifacts';

/** The farm's servers as the admin reads them: "CRM-APP01 (questo server), CRM-APP02 (sessioni SQL)". */
async function membersNow(ctx: StepContext) {
  const ledger = await ctx.farm.ledger();
  const known = ctx.farm.known.map((m) => m.hostname);
  const seen = await hostsWithCrmSessions(ctx.host, ctx.discovery.connections, ctx.discovery.hostname, known);
  return { ledger, members: farmMembers(ctx, ledger, seen) };
}

/** The servers seen through their CRM sessions on the databases: a fact, not a list someone wrote. */
const seenBySessions = (members: { hostname: string; sources: string[] }[]) =>
  members
    .filter((m) => m.sources.includes('sessions'))
    .map((m) => m.hostname)
    .join(', ') || '-';

/**
 * Procedure step 2: "repeat the procedure on every application server that takes part in load
 * balancing". The servers come from facts (CRM sessions from other hosts), the profile and the
 * ledger; the admin confirms or completes the list once, on the first server. Alone, it passes.
 */
export const farmCheck: StepDefinition = {
  id: 'check.farm',
  phase: 'checks',
  kind: 'manual',
  skippable: false,
  title: msg('step.check.farm.title'),
  instructions: msg('check.farm.instructions'),
  async run(ctx): Promise<StepOutcome> {
    const { ledger, members } = await membersNow(ctx);
    const evidence: Evidence = { servers: members.map((m) => m.hostname).join(', '), count: members.length };
    if (members.length === 1)
      return {
        status: 'passed',
        finding: msg('check.farm.single', { server: ctx.discovery.hostname }),
        evidence,
      };
    // The farm's gates and its skew guard stand on each database's version: without it, no farm.
    const unreadable: string[] = [];
    for (const c of ctx.discovery.connections)
      if ((await versionOrNull(ctx, c)) === null) unreadable.push(c.name);
    if (unreadable.length > 0)
      return {
        status: 'failed',
        finding: msg('check.farm.no-version.finding', {
          count: members.length,
          connections: unreadable.join(', '),
        }),
        remedy: msg('check.farm.no-version.remedy'),
        evidence,
      };
    const listed = ledger.list?.servers ?? [];
    const unlisted = members.filter((m) => !listed.some((l) => sameHost(l, m.hostname)));
    if (unlisted.length === 0 && ledger.list)
      return {
        status: 'passed',
        finding: msg('check.farm.confirmed', {
          count: members.length,
          servers: evidence.servers as string,
          by: ledger.list.confirmedBy,
        }),
        evidence,
      };
    return {
      status: 'waiting',
      finding: msg('check.farm.to-confirm', {
        count: members.length,
        servers: members.map((m) => m.hostname).join(', '),
        seen: seenBySessions(members),
      }),
      remedy: msg('check.farm.to-confirm.remedy'),
      evidence,
    };
  },
  async confirm(ctx): Promise<StepOutcome> {
    const { members } = await membersNow(ctx);
    const servers = members.map((m) => m.hostname);
    await ctx.farm.confirm(servers);
    return {
      status: 'passed',
      finding: msg('check.farm.confirmed', {
        count: servers.length,
        servers: servers.join(', '),
        by: ctx.discovery.hostname,
      }),
      evidence: { servers: servers.join(', '), count: servers.length, confirmedByAdmin: true },
    };
  },
};

/** Another server's verified backup of this database for this kit, newest first, from the ledger. */
async function farmBackupOf(ctx: StepContext, c: CrmConnection): Promise<LedgerDbBackup | null> {
  const ledger = await ctx.farm.ledger();
  const found = ledger.entries
    .filter((e) => !sameHost(e.hostname, ctx.discovery.hostname) && !e.rollbackBegun)
    .flatMap((e) => e.backups)
    .filter((b) => b.verified && b.connection === c.name && b.database === c.database);
  return found.sort((a, b) => b.path.localeCompare(a.path))[0] ?? null;
}

/**
 * A database backup once for the farm: not repeated when the ledger holds another server's, and
 * the database is still at that backup's version (or already updated, by the farm's run); the
 * adopted backup is verified again here by SQL Server (backup.verify-db). Otherwise taken only
 * while the farm is quiet, so that no user on another server writes after it.
 */
export async function farmDatabaseBackup(
  ctx: StepContext,
  c: CrmConnection,
  takeOwn: () => Promise<StepOutcome>,
): Promise<StepOutcome> {
  const now = await versionOrNull(ctx, c);
  const kit = ctx.kitVersion?.text ?? null;
  const theirs = await farmBackupOf(ctx, c);
  const evidence: Evidence = { database: c.database, [`dbVersion.${c.name}`]: now ?? 'unknown' };
  const updated = now !== null && kit !== null && sameVersionText(now, kit);
  const adoptable = theirs && (updated || (now !== null && sameVersionText(now, theirs.schemaVersion)));
  if (theirs && adoptable && (await provenFarmBackup(ctx, c, theirs))) {
    const verdict = updated ? { quiet: true, evidence: {} } : await farmQuiet(ctx, [c]);
    if (!verdict.quiet)
      return { status: 'waiting', ...verdict, evidence: { ...evidence, ...verdict.evidence } };
    const { takenBy, ...backup } = theirs;
    await ctx.recordArtifact({ ...backup, takenBy, verified: false });
    return {
      status: 'passed',
      finding: msg('farm.backup.adopted', { database: c.database, server: takenBy, path: backup.path }),
      evidence: { ...evidence, path: backup.path, takenBy, schemaVersion: backup.schemaVersion },
    };
  }
  const others = farmMembers(ctx, await ctx.farm.ledger()).length > 1;
  // Alone (a forced reinstall of the same build, a half-finished start): its own backup, as always.
  if (updated && !others) return takeOwn();
  if (updated) {
    return {
      status: 'warning',
      finding: msg('farm.backup.already-updated.finding', { database: c.database, version: now }),
      remedy: msg('farm.backup.already-updated.remedy', { database: c.database }),
      evidence: { ...evidence, alreadyUpdated: true },
    };
  }
  const verdict = await farmQuiet(ctx, [c]);
  if (!verdict.quiet)
    return { status: 'waiting', ...verdict, evidence: { ...evidence, ...verdict.evidence } };
  return takeOwn();
}

/**
 * Whether SQL Server, reading the file itself, says the ledger's backup is this database's and was
 * finished after this server locked its users out: the farm's backup is taken only with every server
 * locked out, so an older file named on the kit (which others can write) is never adopted.
 */
async function provenFarmBackup(
  ctx: StepContext,
  c: CrmConnection,
  theirs: LedgerDbBackup,
): Promise<boolean> {
  const lockedAt = ctx.steps.find((s) => s.id === 'backup.lockout-on')?.startedAt;
  const refuse = (reason: string) => {
    ctx.log('warn', msg('farm.backup.not-adopted', { path: theirs.path, server: theirs.takenBy, reason }));
    return false;
  };
  let header: { database: string; finishedAt: string };
  try {
    header = await ctx.host.databases.backupHeader(c, theirs);
  } catch (err) {
    return refuse(err instanceof UpgradeError ? err.message_.key : String(err).slice(0, 120));
  }
  if (header.database.toLowerCase() !== c.database.toLowerCase())
    return refuse(`database ${header.database}`);
  if (!lockedAt || Date.parse(header.finishedAt) < Date.parse(lockedAt))
    return refuse(`finished ${header.finishedAt}, before this server's lockout (${lockedAt ?? '-'})`);
  return true;
}

/**
 * A database put back from the farm's backup when its version moved: once for the farm, on the
 * server whose rollback finds the farm quiet. Unchanged, there is nothing to wait for.
 */
export async function restoreDatabaseInFarm(ctx: StepContext, c: CrmConnection): Promise<UndoOutcome> {
  const backup = ctx.artifacts.find((a) => a.kind === 'db-backup' && a.connection === c.name && a.verified);
  const now = await versionOrNull(ctx, c);
  const moved = backup?.kind === 'db-backup' && (now === null || !sameVersionText(now, backup.schemaVersion));
  if (moved) {
    const verdict = await farmQuiet(ctx, [c]);
    if (!verdict.quiet)
      return {
        status: 'failed',
        finding: msg('farm.restore-waits', {
          database: c.database,
          version: now ?? '?',
          servers: String(
            verdict.evidence['farm.notLockedOut'] ||
              verdict.evidence['farm.sessionsFrom'] ||
              verdict.evidence['farm.servers'] ||
              '-',
          ),
        }),
        evidence: { ...verdict.evidence, [`dbVersion.${c.name}`]: now ?? 'unknown' },
      };
  }
  const outcome = await restoreDatabase(ctx, c);
  const after = await versionOrNull(ctx, c).catch(() => null);
  return { ...outcome, evidence: { ...outcome.evidence, [`dbVersion.${c.name}`]: after ?? 'unknown' } };
}

/**
 * The undo of a database's backup step: the database back from this run's verified backup when its
 * version moved. Without a verified backup, or with a version that cannot be read, there is
 * nothing here to put back: "Aggiorna Database"'s own undo restores what it changed.
 */
export async function undoDatabaseBackup(ctx: StepContext, c: CrmConnection): Promise<UndoOutcome> {
  const backup = ctx.artifacts.find((a) => a.kind === 'db-backup' && a.connection === c.name && a.verified);
  const now = await versionOrNull(ctx, c);
  const database = c.database;
  if (backup?.kind !== 'db-backup')
    return { status: 'done', finding: msg('farm.undo.no-backup-here', { database }) };
  if (now === null) return { status: 'done', finding: msg('farm.undo.version-unknown', { database }) };
  if (sameVersionText(now, backup.schemaVersion))
    return {
      status: 'done',
      finding: msg('undo.db.unchanged', { database, version: now }),
      evidence: { database, version: now },
    };
  return restoreDatabaseInFarm(ctx, c);
}
