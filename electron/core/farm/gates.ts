import { type Message, UpgradeError, msg } from '../../shared/message';
import type { Evidence } from '../../shared/plan';
import { compareVersionNames, sameVersionText, versionNameOrNull } from '../../shared/version-name';
import type { CrmConnection } from '../ports';
import type { StepContext } from '../run/context';
import { versionOrNull } from '../steps/artifacts';
import { installSource, readInstalledVersion } from '../steps/read-install';
import { type FarmLedger, type LedgerEntry, sameHost } from './ledger';
import { type FarmMember, crmSessionsFromOthers, ledgerHosts, mergeMembers } from './members';

/**
 * The farm's gates (issue 15). The ledger on the kit says which servers are locked out; the
 * facts this server observes (SQL Server's sessions, each database's version, its own files)
 * decide. A database is backed up, updated or restored only while the farm is quiet: every
 * other server locked out by its own run, and no CRM session on it from any other host.
 */

export interface FarmVerdict {
  quiet: boolean;
  finding?: Message;
  remedy?: Message;
  evidence: Evidence;
}

/** The farm's servers as known now: those known at the start, the ledger's, and `seen` (sessions). */
export function farmMembers(
  ctx: StepContext,
  ledger: FarmLedger,
  seen: readonly string[] = [],
): FarmMember[] {
  const known = ctx.farm.known.slice(1);
  const fromLedger = ledgerHosts(ledger);
  return mergeMembers(ctx.discovery.hostname, {
    list: [...fromLedger.list, ...known.filter((m) => m.sources.includes('list')).map((m) => m.hostname)],
    profile: known.filter((m) => m.sources.includes('profile')).map((m) => m.hostname),
    ledger: fromLedger.ledger,
    sessions: [...known.filter((m) => m.sources.includes('sessions')).map((m) => m.hostname), ...seen],
  });
}

export const entryOf = (ledger: FarmLedger, hostname: string): LedgerEntry | undefined =>
  ledger.entries.find((e) => sameHost(e.hostname, hostname));

const joined = (list: readonly string[]) => list.join(', ');

/** One connection's sessions from other hosts, or why they cannot be seen. */
async function otherSessions(
  ctx: StepContext,
  c: CrmConnection,
  members: readonly string[],
): Promise<{ hosts: string[] } | { unseen: Message }> {
  try {
    const { trusted, groups } = await ctx.host.databases.sqlSessions(c);
    if (!trusted) return { unseen: msg('farm.sessions-unseen', { connection: c.name }) };
    const login = await ctx.host.databases
      .permissions(c)
      .then((p) => p.login)
      .catch(() => '');
    const hosts: string[] = [];
    for (const g of crmSessionsFromOthers(groups, ctx.discovery.hostname, login, members))
      if (!hosts.some((h) => sameHost(h, g.host))) hosts.push(g.host);
    return { hosts };
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    ctx.log('warn', err.message_, err.detail);
    return { unseen: err.message_ };
  }
}

/**
 * Whether `connections` may be backed up, updated or restored from this server now. Alone (no
 * other server known), SQL sessions that cannot be seen do not stop it, as before the farm.
 */
export async function farmQuiet(
  ctx: StepContext,
  connections: readonly CrmConnection[],
): Promise<FarmVerdict> {
  const ledger = await ctx.farm.ledger();
  const firstMembers = farmMembers(ctx, ledger).map((m) => m.hostname);
  const seen: string[] = [];
  let unseen: Message | null = null;
  for (const c of connections) {
    const found = await otherSessions(ctx, c, firstMembers);
    if ('unseen' in found) unseen ??= found.unseen;
    else for (const h of found.hosts) if (!seen.some((s) => sameHost(s, h))) seen.push(h);
  }
  const members = farmMembers(ctx, ledger).map((m) => m.hostname);
  const others = members.slice(1);
  const unknown = seen.filter((h) => !members.some((m) => sameHost(m, h)));
  const notLocked = others.filter((o) => entryOf(ledger, o)?.lockout !== 'on');
  const withSessions = seen.filter((h) => !unknown.includes(h));
  const evidence: Evidence = {
    'farm.servers': joined(members),
    'farm.notLockedOut': joined(notLocked),
    'farm.sessionsFrom': joined(seen),
  };
  const no = (finding: Message, remedy: Message): FarmVerdict => ({
    quiet: false,
    finding,
    remedy,
    evidence,
  });
  if (unknown.length > 0)
    return no(
      msg('farm.unknown-host.finding', { servers: joined(unknown) }),
      msg('farm.unknown-host.remedy', { servers: joined(unknown) }),
    );
  if (notLocked.length > 0)
    return no(
      msg('farm.not-locked-out.finding', { servers: joined(notLocked) }),
      msg('farm.not-locked-out.remedy', { servers: joined(notLocked) }),
    );
  if (withSessions.length > 0)
    return no(
      msg('farm.sessions-from.finding', { servers: joined(withSessions) }),
      msg('farm.sessions-from.remedy', { servers: joined(withSessions) }),
    );
  if (unseen && others.length > 0) return no(unseen, msg('farm.sessions-unseen.remedy'));
  return { quiet: true, evidence };
}

/** What this server's files and each database say now, and what is missing when they disagree. */
export interface SkewVerdict {
  matches: boolean;
  code: string | null;
  finding?: Message;
  remedy?: Message;
  evidence: Evidence;
}

/**
 * The version-skew guard: this server's code against every database's version. A database whose
 * version cannot be read (no query in the profile) is the admin's word, as before the farm.
 * `skipped` names connections whose "Aggiorna Database" the admin skipped with a reason.
 */
export async function versionSkew(ctx: StepContext, skipped: readonly string[] = []): Promise<SkewVerdict> {
  const code = await readInstalledVersion(installSource(ctx));
  const evidence: Evidence = { code: code ?? 'unknown' };
  let first: Omit<SkewVerdict, 'evidence'> | null = null;
  // Every database read, so that the evidence holds them all; the first mismatch is the one said.
  for (const c of ctx.discovery.connections) {
    const found = await versionOrNull(ctx, c);
    evidence[`dbVersion.${c.name}`] = found ?? 'unknown';
    if (first || found === null || code === null || skipped.includes(c.name) || sameVersionText(found, code))
      continue;
    first = mismatch(code, c, found);
  }
  return first ? { ...first, evidence } : { matches: true, code, evidence };
}

/** What is missing when the code and a database disagree: the setup here, or "Aggiorna Database". */
function mismatch(code: string, c: CrmConnection, found: string): Omit<SkewVerdict, 'evidence'> {
  const params = { code, connection: c.name, database: c.database, version: found };
  const codeName = versionNameOrNull(code);
  const dbName = versionNameOrNull(found);
  const codeBehind = codeName !== null && dbName !== null && compareVersionNames(codeName, dbName) < 0;
  const key = codeBehind ? 'farm.skew.setup-missing' : 'farm.skew.update-missing';
  return {
    matches: false,
    code,
    finding: msg(`${key}.finding`, params),
    remedy: msg(`${key}.remedy`, params),
  };
}

/**
 * A rollback puts the server back as the run found it: code and databases as they were then (a
 * run may begin half-finished, files ahead of a database), which reopening may return to.
 */
export function asTheRunFoundIt(ctx: StepContext, skew: SkewVerdict): boolean {
  const found = ctx.steps.find((s) => s.id === 'check.version')?.evidence ?? {};
  if (skew.code === null || ctx.startedFrom === null || !sameVersionText(skew.code, ctx.startedFrom))
    return false;
  return ctx.discovery.connections.every((c) => {
    const now = skew.evidence[`dbVersion.${c.name}`];
    const then = found[`database:${c.name}`];
    return now === 'unknown' || (typeof then === 'string' && sameVersionText(now, then));
  });
}
