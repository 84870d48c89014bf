import { access } from 'node:fs/promises';
import path from 'node:path';
import { remedyOf } from '../../shared/i18n';
import { type FindingKey, UpgradeError, msg } from '../../shared/message';
import type { Evidence } from '../../shared/plan';
import { type ConnectionStepBase, type PlainStepId, connectionStepId } from '../../shared/step-id';
import {
  type VersionName,
  compareVersionNames,
  compareVersions,
  parseVersionName,
  versionNameOrNull,
} from '../../shared/version-name';
import { isWithin } from '../files/paths';
import { listTree } from '../files/tree';
import { type SignedKit, verifyKitFiles, verifyKitLayout } from '../kit/kit-verify';
import { removeEndedStagedKits, stageRunKit } from '../kit/run-kit';
import { unshownReleaseNotes } from '../kit/release-notes';
import { findMarkedKitFiles, unblockKitFiles } from '../kit/mark-of-the-web';
import { parseModules } from '../profile';
import { isSupportedWindows, parseWindowsVersion, windowsVersionName } from '../windows-version';
import { findKitOnlyRun, isJournaledRun } from '../run/journal';
import { otherHolder } from '../run/run-lock';
import { type CrmConnection, DATABASE_VERSION_FIELD, type SessionGroup } from '../ports';
import type { StepContext, StepDefinition, StepOutcome } from '../run/context';
import { versionOrNull } from './artifacts';
import { RUN_BACKUP_DIR, runBackupDir } from './backup';
import {
  installSource,
  readInstalledVersion,
  readLicenceModulesText,
  versionSourceLabel,
} from './read-install';

const title = (id: PlainStepId | ConnectionStepBase) => msg(`step.${id}.title`);
const failed = (
  key: FindingKey,
  params?: Record<string, string | number>,
  evidence?: StepOutcome['evidence'],
): StepOutcome => ({
  status: 'failed',
  finding: msg(`${key}.finding`, params),
  remedy: msg(`${key}.remedy`, params),
  ...(evidence ? { evidence } : {}),
});

/**
 * The run's own copy of the kit, on the server, made from the stick and hashed as it is written:
 * the setups run from it. Ended runs' copies go (their journals stay).
 */
async function stageForRun(ctx: StepContext, kit: SignedKit, stateDir: string): Promise<Evidence> {
  await removeEndedStagedKits(stateDir, ctx.runId);
  const staged = await stageRunKit(ctx, stateDir, kit, (p) => ctx.progress(p));
  ctx.log('info', msg('kit-staging.staged', { dir: staged.dir, files: staged.files }));
  return { staged: staged.dir, copied: staged.copied.length };
}

/**
 * The stick: its signature, no listed file missing, linked or of another size, nothing unlisted,
 * every listed file's hash; then its marks lifted. A run (`stateDir` given) proves the hashes as
 * it stages the kit, so the stick's files are read once; a read-only check, which stages
 * nothing, hashes them here.
 */
async function verifyStick(ctx: StepContext, kit: SignedKit, stateDir: string | null): Promise<Evidence> {
  const extras = ctx.options.allowedKitExtras;
  const evidence: Evidence = stateDir
    ? { ...(await verifyKitLayout(kit, extras)), ...(await stageForRun(ctx, kit, stateDir)) }
    : { ...(await verifyKitFiles(kit, (p) => ctx.progress(p), extras)), staged: false };
  // Only now, with the signature and every hash good, are downloaded-file marks lifted.
  const marked = await findMarkedKitFiles(kit);
  await unblockKitFiles(kit, marked);
  if (marked.length > 0)
    ctx.log(
      'warn',
      msg('check.kit.unblocked', { count: marked.length, files: marked.map((m) => m.path).join(', ') }),
    );
  return { ...evidence, unblocked: marked.length };
}

export const kitCheck: StepDefinition = {
  id: 'check.kit',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.kit'),
  async run(ctx) {
    const kit = ctx.kit;
    if (!kit) {
      return {
        status: 'failed',
        finding: ctx.kitProblem?.message ?? msg('kit.no-manifest', { dir: ctx.kitDir }),
        remedy: msg('check.kit.remedy'),
      };
    }
    let evidence: Evidence = { version: kit.manifest.version, keyId: kit.key.id, key: kit.key.kind };
    try {
      const stateDir = await ctx.host.system.stateDir();
      // A read-only look at the server (the CLI's `check`) has no run journaled there: nothing is copied.
      const staging = await isJournaledRun(stateDir, ctx.runId);
      evidence = { ...evidence, ...(await verifyStick(ctx, kit, staging ? stateDir : null)) };
    } catch (err) {
      if (!(err instanceof UpgradeError)) throw err;
      ctx.log('error', err.message_, err.detail);
      const remedy = remedyOf(err.message_) ?? msg('check.kit.remedy');
      return { status: 'failed', finding: err.message_, remedy, evidence };
    }
    return {
      status: 'passed',
      finding: kit.key.kind === 'practice' ? msg('check.kit.practice-key') : msg('check.kit.vendor-key'),
      evidence,
    };
  },
};

export const elevationCheck: StepDefinition = {
  id: 'check.elevation',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.elevation'),
  async run(ctx) {
    const elevated = await ctx.host.system.isElevated();
    return elevated
      ? { status: 'passed', evidence: { elevated } }
      : failed('check.elevation', undefined, { elevated });
  },
};

export const architectureCheck: StepDefinition = {
  id: 'check.architecture',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.architecture'),
  async run(ctx) {
    const windows = await ctx.host.system.osVersion();
    const version = parseWindowsVersion(windows);
    if (!version) return failed('check.architecture.windows-version-unreadable', { version: windows });
    if (!isSupportedWindows(version)) {
      const params = { version: windows, name: windowsVersionName(version) };
      return failed('check.architecture.windows-too-old', params, { windows });
    }
    const os = await ctx.host.system.osArch();
    const kit = ctx.kitVersion?.arch;
    if (!kit) return failed('check.architecture.unknown');
    const ok = kit === 'x86' ? os === 'x86' || os === 'x64' : os === 'x64';
    return ok
      ? { status: 'passed', evidence: { windows, os, kit } }
      : failed('check.architecture', { os, kit }, { windows, os, kit });
  },
};

export const installationCheck: StepDefinition = {
  id: 'check.installation',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.installation'),
  async run(ctx) {
    const { site, connections, problem, mobileSite } = ctx.discovery;
    if (!site) {
      return {
        status: 'failed',
        finding: problem ?? msg('check.installation.no-site.finding', { site: ctx.profile.iis.siteName }),
        remedy: msg('check.installation.no-site.remedy'),
      };
    }
    const present = await access(path.join(site.physicalPath, ctx.profile.connections.file)).then(
      () => true,
      () => false,
    );
    if (!present) return failed('check.installation.no-files', { path: site.physicalPath });
    if (problem)
      return {
        status: 'failed',
        finding: problem,
        remedy: msg('check.installation.no-files.remedy', { path: site.physicalPath }),
      };
    for (const marker of ctx.profile.markers) {
      const there = await access(path.join(site.physicalPath, ...marker.split(/[\\/]/))).then(
        () => true,
        () => false,
      );
      if (!there) return failed('check.installation.marker-missing', { path: site.physicalPath, marker });
    }
    if (connections.length === 0)
      return failed('check.installation.no-connections', { path: site.physicalPath });
    return {
      status: 'passed',
      finding: msg('check.installation.found', { path: site.physicalPath }),
      evidence: {
        site: site.siteName,
        pool: site.pools.join(', '),
        path: site.physicalPath,
        url: site.url,
        connections: connections.map((c) => c.name).join(', '),
        mobile: mobileSite ? mobileSite.physicalPath : false,
      },
    };
  },
};

/** a compared with the files' version: a version name, or its numbers only; null when unreadable. */
function compareWithFiles(text: string, files: VersionName): number | null {
  const name = versionNameOrNull(text);
  if (name) return compareVersionNames(name, files);
  const numbers = /^\s*(\d+(?:\.\d+){0,5})/.exec(text)?.[1];
  return numbers ? compareVersions(numbers.split('.').map(Number), files.version) : null;
}

/**
 * What a half-finished upgrade leaves behind the files: each connection's database older than
 * them ("Aggiorna Database" still needed), and MOBILE at an older version than the CRM. A
 * database whose version the profile can't read, or a MOBILE version the profile reads from
 * SQL, can't tell: it passes, said in the evidence.
 */
async function partsBehind(
  ctx: StepContext,
  files: VersionName,
): Promise<{ databases: string[]; mobile: string | null; evidence: Record<string, string> }> {
  const evidence: Record<string, string> = {};
  const databases: string[] = [];
  for (const c of ctx.discovery.connections) {
    const version = await versionOrNull(ctx, c).catch(() => null);
    evidence[`database:${c.name}`] = version ?? 'unknown';
    if (version !== null && (compareWithFiles(version, files) ?? 0) < 0) databases.push(c.name);
  }
  let mobile: string | null = null;
  const mobileSite = ctx.discovery.mobileSite;
  if (mobileSite) {
    const text =
      ctx.profile.installedVersion.kind === 'query'
        ? null
        : await readInstalledVersion({ ...installSource(ctx), physicalPath: mobileSite.physicalPath });
    evidence.mobile = text ?? 'unknown';
    if (text !== null && (compareWithFiles(text, files) ?? 0) < 0) mobile = text;
  }
  return { databases, mobile, evidence };
}

/**
 * A resumed run whose own setups already brought the files to the kit's version: that is this
 * run's work, not a half-finished upgrade of another, and its setups are not left out.
 */
function resumedRun(ctx: StepContext, installed: VersionName, kit: VersionName): StepOutcome | null {
  if (compareVersionNames(installed, kit) !== 0) return null;
  const from = versionNameOrNull(ctx.startedFrom);
  if (!from || compareVersionNames(from, kit) >= 0) return null;
  const evidence = { installed: installed.text, kit: kit.text, startedFrom: from.text };
  return { status: 'passed', finding: msg('check.version.resumed', evidence), evidence };
}

/** The connections whose database version the host cannot read because the profile does not say how. */
async function versionsUnknown(ctx: StepContext): Promise<string[]> {
  const unknown: string[] = [];
  for (const c of ctx.discovery.connections) {
    const noQuery = await ctx.host.databases.schemaVersion(c).then(
      () => false,
      (err: unknown) => err instanceof UpgradeError && err.message_.key === 'sql.no-version-query',
    );
    if (noQuery) unknown.push(c.name);
  }
  return unknown;
}

/**
 * The databases' versions the profile gives no way to read: said on every run, never passed
 * over in silence. A warning where the check would pass; beside any other finding, in the log.
 */
async function withDatabaseVersions(ctx: StepContext, outcome: StepOutcome): Promise<StepOutcome> {
  const unknown = await versionsUnknown(ctx);
  if (unknown.length === 0) return outcome;
  const params = { field: DATABASE_VERSION_FIELD, connections: unknown.join(', ') };
  ctx.log('warn', msg('check.version.database-version-unknown.finding', params));
  const evidence = { ...outcome.evidence, databaseVersion: 'unknown' };
  if (outcome.status !== 'passed') return { ...outcome, evidence };
  return { ...failed('check.version.database-version-unknown', params, evidence), status: 'warning' };
}

export const versionCheck: StepDefinition = {
  id: 'check.version',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.version'),
  async run(ctx) {
    return withDatabaseVersions(ctx, await versionOutcome(ctx));
  },
};

/** The files' version against the kit's, and the parts a half-finished upgrade left behind. */
async function versionOutcome(ctx: StepContext): Promise<StepOutcome> {
  const kit = ctx.kitVersion;
  const site = ctx.discovery.site;
  const installedText = site ? await readInstalledVersion(installSource(ctx)) : null;
  const file = versionSourceLabel(ctx.profile);
  if (!kit) return failed('check.version.no-kit');
  if (!installedText) return failed('check.version.unreadable', { file });
  let installed;
  try {
    installed = parseVersionName(installedText);
  } catch {
    return failed('check.version.unreadable', { file });
  }
  const evidence = { installed: installed.text, kit: kit.text };
  const order = compareVersionNames(installed, kit);
  const resumed = resumedRun(ctx, installed, kit);
  if (resumed) return resumed;
  if (order === 0) {
    // Files already at the kit's version: a finished upgrade, or one left half-done.
    const parts = await partsBehind(ctx, installed);
    const more = { ...evidence, ...parts.evidence };
    // Half-finished: a warning, not a stop. The run backs up, leaves the setups already done
    // (upgrade.ts reads this step's evidence) and leads to "Aggiorna Database".
    if (parts.databases.length > 0)
      return {
        ...failed(
          'check.version.db-behind',
          { ...evidence, connections: parts.databases.join(', ') },
          { ...more, halfFinished: true },
        ),
        status: 'warning',
      };
    if (parts.mobile)
      return {
        ...failed(
          'check.version.mobile-behind',
          { ...evidence, mobile: parts.mobile },
          {
            ...more,
            halfFinished: true,
          },
        ),
        status: 'warning',
      };
    // The same build again: refused, unless the admin forces a reinstall with a reason (skip).
    return { ...failed('check.version.same', evidence, more), skippable: true };
  }
  if (order > 0) return failed('check.version.downgrade', evidence, evidence);
  const minimum = ctx.kit?.manifest.minimumInstalledVersion;
  if (minimum && compareVersions(installed.version, minimum.split('.').map(Number)) < 0) {
    return failed('check.version.too-old', { ...evidence, minimum }, { ...evidence, minimum });
  }
  return { status: 'passed', finding: msg('check.version.upgrade', evidence), evidence };
}

export const licenceCheck: StepDefinition = {
  id: 'check.licence',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.licence'),
  async run(ctx) {
    const text = ctx.discovery.site ? await readLicenceModulesText(installSource(ctx)) : null;
    const where = ctx.profile.licence.kind === 'file' ? ctx.profile.licence.file : 'SQL';
    if (text === 'admin') {
      // The profile says only the CRM shows it: the admin reads "Informazioni su" and confirms.
      return { status: 'waiting', finding: msg('check.licence.admin') };
    }
    if (text === null) return failed('check.licence.unreadable', { file: where });
    const modules = parseModules(text);
    const evidence = { modules: modules.join(', ') };
    return modules.includes('0')
      ? { status: 'passed', finding: msg('check.licence.ok', evidence), evidence }
      : failed('check.licence', evidence, evidence);
  },
};

/** When the admin reads the licence in the CRM: a manual step with the same id and meaning. */
export const licenceConfirmed: StepDefinition = {
  ...licenceCheck,
  kind: 'manual',
  instructions: msg('check.licence.admin.instructions'),
  async confirm() {
    return {
      status: 'passed',
      finding: msg('check.licence.admin.confirmed'),
      evidence: { confirmedByAdmin: true },
    };
  },
};

/** The CRM's own pool: sleeping .NET connections from this application server. Not people. */
export function isCrmPool(g: SessionGroup, appServers: readonly string[]): boolean {
  return (
    appServers.some((s) => s.toLowerCase() === g.host.toLowerCase()) &&
    /SqlClient Data Provider/i.test(g.program)
  );
}

export const usersCheck: StepDefinition = {
  id: 'check.users',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: true,
  waitForUsers: true,
  practice: 'log-off-users',
  // Once the lockout is on nobody else can log in, and backup.users-again asks again before the backups.
  recheckOnResume: false,
  title: title('check.users'),
  async run(ctx) {
    const found: string[] = [];
    const untrusted: string[] = [];
    const unlisted: string[] = [];
    const evidence: Record<string, number | string> = {};
    for (const c of ctx.discovery.connections) {
      const users = await ctx.host.databases.connectedUsers(c);
      evidence[c.name] = users === null ? 'unknown' : users.length;
      if (users === null) unlisted.push(c.name);
      for (const u of users ?? []) found.push(`${u.user} (${u.host}, ${c.name})`);
      const sessions = await ctx.host.databases.sqlSessions(c);
      if (!sessions.trusted) untrusted.push(c.name);
      // Issue 15: the CRM's pools on the farm's servers hold sessions too; they are not people.
      const servers = ctx.farm.known.map((m) => m.hostname);
      const pool = sessions.groups.filter((g) => isCrmPool(g, servers));
      const others = sessions.groups.filter((g) => !isCrmPool(g, servers));
      evidence[`${c.name}.crmPoolSessions`] = pool.reduce((n, g) => n + g.sessions, 0);
      for (const g of others)
        found.push(`${g.login}@${g.host} «${g.program}» ×${g.sessions} (SQL, ${c.name})`);
    }
    if (found.length > 0)
      return failed('check.users', { count: found.length, users: found.join('; ') }, evidence);
    // Nobody found is not nobody there: unlisted, the admin looks at the CRM's own list.
    const warning = (key: FindingKey, names: string[]): StepOutcome => ({
      ...failed(key, { connections: names.join(', ') }, evidence),
      status: 'warning',
    });
    if (unlisted.length > 0) return warning('check.users.unlisted', unlisted);
    if (untrusted.length > 0) return warning('check.users.untrusted', untrusted);
    return { status: 'passed', finding: msg('check.users.none'), evidence };
  },
};

/**
 * What the CRM's login may do on each connection: back up, verify, restore, see the other
 * sessions. Asked before any backup: a rollback that cannot restore is no rollback.
 */
export function permissionsCheck(c: CrmConnection): StepDefinition {
  return {
    id: connectionStepId('check.sql-permissions', c.name),
    connection: c.name,
    phase: 'checks',
    kind: 'check',
    severity: 'blocking',
    skippable: false,
    title: msg('step.check.sql-permissions.title', { connection: c.name }),
    async run(ctx) {
      const p = await ctx.host.databases.permissions(c);
      const evidence = { ...p };
      const canBackup = p.sysadmin || p.dbOwner || p.backupOperator;
      if (!canBackup)
        return failed('check.sql-permissions.backup', { connection: c.name, database: c.database }, evidence);
      if (!p.sysadmin && !p.createDatabase)
        return failed('check.sql-permissions.verify', { connection: c.name }, evidence);
      // Restoring over an existing database: sysadmin, dbcreator or its owner; db_owner is not enough.
      if (!p.sysadmin && !p.dbcreator && !p.ownsDatabase) {
        const params = { connection: c.name, database: c.database, login: p.login || '?' };
        return failed('check.sql-permissions.restore', params, evidence);
      }
      if (!p.sysadmin && !p.viewServerState) {
        return {
          status: 'warning',
          finding: msg('check.sql-permissions.view-state.finding', { connection: c.name }),
          remedy: msg('check.sql-permissions.view-state.remedy'),
          evidence,
        };
      }
      return { status: 'passed', evidence };
    },
  };
}

async function nearestExisting(dir: string): Promise<string> {
  let at = path.resolve(dir);
  for (;;) {
    try {
      await access(at);
      return at;
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return at;
      at = parent;
    }
  }
}

/** Room for the zip (the folder's size, as a worst case) and for each database backup. */
export const diskCheck: StepDefinition = {
  id: 'check.disk',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: true,
  // Its question (room for the backups) is answered once the backups are taken.
  recheckOnResume: false,
  title: title('check.disk'),
  async run(ctx) {
    const site = ctx.discovery.site;
    if (!site) return failed('check.disk.no-site');
    const backupDir = await runBackupDir(ctx);
    // A copy inside the folder it copies would copy itself, and the setup may replace it; on the
    // kit it would leave with the stick. Either is refused before anything is written.
    if (isWithin(backupDir, site.physicalPath))
      return failed('check.disk.inside-app', { path: backupDir, app: site.physicalPath }, { backupDir });
    if (isWithin(backupDir, ctx.kitDir))
      return failed('check.disk.on-kit', { path: backupDir, kit: ctx.kitDir }, { backupDir });
    const tree = await listTree(site.physicalPath, ctx.profile.backupExclusions);
    const folderBytes = tree.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    // The folder may not exist yet (the backup makes it): its nearest existing parent tells the disk.
    const free = await ctx.host.system.freeBytes(await nearestExisting(backupDir));
    const evidence: Record<string, number | string> = { backupDir, folderBytes, freeBytes: free };
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    if (free < folderBytes * 1.1) {
      return failed(
        'check.disk.files',
        { path: backupDir, needMb: mb(folderBytes * 1.1), freeMb: mb(free) },
        evidence,
      );
    }
    for (const c of ctx.discovery.connections) {
      const used = await ctx.host.databases.usedBytes(c);
      const dbFree = await ctx.host.databases.backupFreeBytes(c);
      evidence[`${c.name}.usedBytes`] = used;
      evidence[`${c.name}.freeBytes`] = dbFree ?? 'unknown';
      if (dbFree === null) {
        ctx.log('warn', msg('check.disk.database-unknown', { connection: c.name }));
        continue;
      }
      if (dbFree < used * 1.1) {
        return failed(
          'check.disk.database',
          { connection: c.name, needMb: mb(used * 1.1), freeMb: mb(dbFree) },
          evidence,
        );
      }
    }
    // Journaled: the backups go to the folder found with room, whatever the default says later.
    return { status: 'passed', evidence: { ...evidence, [RUN_BACKUP_DIR]: backupDir } };
  },
};

/** IIS installed and serving: this is the application server, not the database server alone. */
export const iisCheck: StepDefinition = {
  id: 'check.iis',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.iis'),
  async run(ctx) {
    const st = await ctx.host.iis.status();
    const evidence = { installed: st.installed, version: st.version ?? '-', w3svc: st.w3svc };
    if (!st.installed || st.w3svc === 'missing') return failed('check.iis.missing', undefined, evidence);
    if (st.w3svc !== 'running') return failed('check.iis.stopped', undefined, evidence);
    return { status: 'passed', finding: msg('check.iis.ok', { version: st.version ?? '?' }), evidence };
  },
};

export const rebootCheck: StepDefinition = {
  id: 'check.reboot',
  phase: 'checks',
  kind: 'check',
  severity: 'warning',
  skippable: false,
  // A setup that asks for a restart makes it true mid-run: asked at the start only.
  recheckOnResume: false,
  title: title('check.reboot'),
  async run(ctx) {
    const reasons = await ctx.host.system.pendingReboot();
    const evidence = { pending: reasons.length > 0, reasons: reasons.join(', ') || '-' };
    return reasons.length === 0
      ? { status: 'passed', evidence }
      : failed('check.reboot', { reasons: reasons.join(', ') }, evidence);
  },
};

/** The MOBILE server part: its setup is in the plan only when it is installed. */
export const mobileCheck: StepDefinition = {
  id: 'check.mobile',
  phase: 'checks',
  kind: 'check',
  severity: 'warning',
  skippable: false,
  title: title('check.mobile'),
  async run(ctx) {
    const site = ctx.discovery.mobileSite;
    const hasSetup = ctx.kit?.manifest.setups.some((s) => s.role === 'mobile') ?? false;
    if (!site)
      return { status: 'passed', finding: msg('check.mobile.absent'), evidence: { installed: false } };
    if (!hasSetup)
      return failed(
        'check.mobile.no-setup',
        { path: site.physicalPath },
        { installed: true, path: site.physicalPath },
      );
    return {
      status: 'passed',
      finding: msg('check.mobile.present', { path: site.physicalPath }),
      evidence: { installed: true, path: site.physicalPath },
    };
  },
};

/** Two managers on one server would fight over its pools, files and databases. */
export const exclusiveCheck: StepDefinition = {
  id: 'check.exclusive',
  phase: 'checks',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: title('check.exclusive'),
  async run(ctx) {
    const { system } = ctx.host;
    const stateDir = await system.stateDir();
    const holder = await otherHolder(stateDir, ctx.runId, (pid) => system.processStartTime(pid));
    if (holder?.kind === 'unreadable') {
      const params = { file: holder.file };
      return {
        status: 'failed',
        finding: msg('run.lock-unreadable', params),
        remedy: msg('run.lock-unreadable.remedy', params),
        evidence: { lock: holder.file },
      };
    }
    if (holder?.kind === 'held') {
      const other = holder.lock;
      return failed(
        'check.exclusive',
        { runId: other.runId, pid: other.pid, since: other.startedAt, kit: other.kitDir },
        { runId: other.runId, pid: other.pid },
      );
    }
    // A run on the kit that this server does not know steers nothing: named, not continued.
    const kitOnly = await findKitOnlyRun(path.dirname(ctx.runDir), stateDir, ctx.runId);
    if (kitOnly)
      return {
        status: 'warning',
        finding: msg('journal.kit-only', { runId: kitOnly.runId, file: kitOnly.file }),
        evidence: { otherRun: false, kitOnlyRun: kitOnly.runId },
      };
    return { status: 'passed', evidence: { otherRun: false } };
  },
};

/**
 * The notes the admin should read but is not shown: missing from the stick or not matching the
 * signed manifest (release-notes.ts shows only notes whose bytes were hashed and matched).
 */
function unshownNotes(ctx: StepContext): string[] {
  if (!ctx.kit) return [];
  const text = ctx.discovery.installedVersion;
  const installed = text ? versionNameOrNull(text) : null;
  return unshownReleaseNotes(ctx.kit, installed, ctx.releaseNotes);
}

/** Notes the admin cannot be shown block the step, named: never a confirm over notes not read. */
function notesProblem(ctx: StepContext, versions: string): StepOutcome | null {
  const unshown = unshownNotes(ctx);
  return unshown.length > 0
    ? failed('kit-staging.note-unverified', { paths: unshown.join(', ') }, { versions })
    : null;
}

/** NOTA BENE 1: the admin reads what changes before anything changes. */
export const releaseNotesRead: StepDefinition = {
  id: 'check.release-notes',
  phase: 'checks',
  kind: 'manual',
  severity: 'blocking',
  skippable: false,
  shows: 'release-notes',
  title: title('check.release-notes'),
  instructions: msg('check.release-notes.instructions'),
  async run(ctx) {
    const versions = [...new Set(ctx.releaseNotes.map((n) => n.version))].join(', ') || '-';
    return notesProblem(ctx, versions) ?? { status: 'waiting', evidence: { versions } };
  },
  async confirm(ctx) {
    const versions = [...new Set(ctx.releaseNotes.map((n) => n.version))].join(', ') || '-';
    return (
      notesProblem(ctx, versions) ?? {
        status: 'passed',
        finding: msg('check.release-notes.read'),
        evidence: { versions, readByAdmin: true },
      }
    );
  },
};

export function checkSteps(ctx: Pick<StepContext, 'discovery' | 'profile'>): StepDefinition[] {
  const checks = CHECKS.slice(0, -1).map((c) =>
    c.id === 'check.licence' && ctx.profile.licence.kind === 'admin-confirms' ? licenceConfirmed : c,
  );
  return [...checks, ...ctx.discovery.connections.map(permissionsCheck), releaseNotesRead];
}

export const CHECKS: readonly StepDefinition[] = [
  kitCheck,
  exclusiveCheck,
  elevationCheck,
  architectureCheck,
  iisCheck,
  installationCheck,
  mobileCheck,
  versionCheck,
  licenceCheck,
  usersCheck,
  diskCheck,
  rebootCheck,
  releaseNotesRead,
];
