// Fault injection on the practice server: upgrades killed with SIGKILL at random journal records,
// then continued or rolled back (alternately), and the server's end state classified.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPracticeKit } from '../../electron/cli/practice-kit';
import { treeHash } from '../../electron/core/files/tree';
import { loadProfile } from '../../electron/core/profile';
import { sourceResourcesDir } from '../../electron/core/resources';
import { initPracticeServer, openPracticeHost } from '../../electron/host/practice/index';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(repo, 'electron', 'cli', 'bin.mjs');
export const KIT_VERSION = '7.8.5.13100517_x64';

/** What the engine can observe of the practice server, and what a rollback must put back. */
export interface ServerState {
  crmVersion: string;
  mobileVersion: string;
  crmTree: string;
  mobileTree: string;
  /** The folder the kit says its CRM setup also changes (CRMServices). */
  servicesVersion: string;
  servicesTree: string;
  databases: Record<string, { schemaVersion: string; content: string }>;
  pools: Record<string, string>;
  maintenance: boolean;
  /** The sites' bindings as IIS keeps them, and any lockout's maintenance site still there. */
  bindings: string;
  lockoutSites: string[];
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export async function readServerState(serverDir: string): Promise<ServerState> {
  const profile = await loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'));
  const wwwroot = path.join(serverDir, 'C', 'inetpub', 'wwwroot');
  const crm = path.join(wwwroot, 'CRM');
  const mobile = path.join(wwwroot, 'CRMMobile');
  const services = path.join(wwwroot, 'CRMServices');
  const version = (dir: string, file = path.join('bin', 'version.txt')) =>
    readFile(path.join(dir, file), 'utf8').then(
      (t) => t.trim(),
      () => '?',
    );
  const host = await openPracticeHost(serverDir);
  const iis = JSON.parse(await readFile(path.join(serverDir, 'iis', 'applicationHost.json'), 'utf8')) as {
    pools: Record<string, unknown>;
    sites: { name: string; bindings?: unknown; maintenanceOf?: string }[];
  };
  const pools: Record<string, string> = {};
  for (const pool of Object.keys(iis.pools)) pools[pool] = await host.iis.poolState(pool);
  const databases: ServerState['databases'] = {};
  const dataDir = path.join(serverDir, 'C', 'Program Files', 'Microsoft SQL Server');
  for (const file of await readdir(dataDir, { recursive: true })) {
    if (!file.endsWith('.json')) continue;
    const db = JSON.parse(await readFile(path.join(dataDir, file), 'utf8')) as {
      name: string;
      schemaVersion: string;
      connectedUsers: unknown;
    };
    // Who is connected is the users' doing, not the upgrade's.
    const { connectedUsers: _users, ...data } = db;
    databases[db.name] = { schemaVersion: db.schemaVersion, content: sha(JSON.stringify(data)) };
  }
  return {
    crmVersion: await version(crm),
    mobileVersion: await version(mobile),
    crmTree: await treeHash(crm, profile.backupExclusions),
    mobileTree: await treeHash(mobile, profile.backupExclusions),
    servicesVersion: await version(services, 'version.txt'),
    servicesTree: await treeHash(services, profile.backupExclusions),
    databases,
    pools,
    maintenance:
      (await exists(path.join(crm, 'app_offline.htm'))) ||
      (await exists(path.join(mobile, 'app_offline.htm'))),
    bindings: sha(JSON.stringify(iis.sites.filter((s) => !s.maintenanceOf).map((s) => [s.name, s.bindings]))),
    lockoutSites: iis.sites.filter((s) => s.maintenanceOf).map((s) => s.name),
  };
}

export type Outcome = 'upgraded' | 'rolled-back' | 'other';

/** Upgraded: everything at the kit's version and serving; rolled back: everything as before and serving. */
export function classify(before: ServerState, after: ServerState): { outcome: Outcome; left: string[] } {
  const serving = [
    ...Object.entries(after.pools)
      .filter(([, s]) => s !== 'started')
      .map(([p, s]) => `pool ${p} ${s}`),
    ...(after.maintenance ? ['maintenance page still up'] : []),
    ...after.lockoutSites.map((s) => `lockout left: maintenance site ${s}`),
    ...(after.bindings === before.bindings ? [] : ['site bindings differ from before (lockout left)']),
  ];
  const upgraded = [
    ...(after.crmVersion === KIT_VERSION ? [] : [`CRM at ${after.crmVersion}`]),
    ...(after.mobileVersion === KIT_VERSION ? [] : [`MOBILE at ${after.mobileVersion}`]),
    ...(after.servicesVersion === KIT_VERSION ? [] : [`CRMServices at ${after.servicesVersion}`]),
    ...Object.entries(after.databases)
      .filter(([, d]) => d.schemaVersion !== KIT_VERSION)
      .map(([n, d]) => `database ${n} at ${d.schemaVersion}`),
  ];
  const rolledBack = [
    ...(after.crmTree === before.crmTree ? [] : ['CRM folder differs from before']),
    ...(after.mobileTree === before.mobileTree ? [] : ['MOBILE folder differs from before']),
    ...(after.servicesTree === before.servicesTree ? [] : ['CRMServices folder differs from before']),
    ...Object.entries(before.databases)
      .filter(([n, d]) => after.databases[n]?.content !== d.content)
      .map(([n]) => `database ${n} differs from before`),
  ];
  if (serving.length === 0 && upgraded.length === 0) return { outcome: 'upgraded', left: [] };
  if (serving.length === 0 && rolledBack.length === 0) return { outcome: 'rolled-back', left: [] };
  return {
    outcome: 'other',
    left: [...serving, ...(rolledBack.length < upgraded.length ? rolledBack : upgraded)],
  };
}

async function journalRecords(kitDir: string): Promise<number> {
  const reports = path.join(kitDir, 'reports');
  let count = 0;
  for (const file of await readdir(reports, { recursive: true }).catch(() => [] as string[])) {
    if (!file.endsWith('journal.jsonl')) continue;
    const text = await readFile(path.join(reports, file), 'utf8').catch(() => '');
    count += text.split('\n').filter((l) => l.trim() !== '').length;
  }
  return count;
}

/**
 * Runs the CLI; with `killAtRecord`, SIGKILLs it once the kit's journals hold that many records.
 * Resolves with how it ended. Output goes to a file (a pipe's back-pressure must not pace the run).
 */
export function runCli(
  args: string[],
  logFile: string,
  kitDir: string,
  killAtRecord?: number,
): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    out.on('open', () => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', out, out] });
      let killed = false;
      let watching = killAtRecord !== undefined;
      const watch = async () => {
        while (watching) {
          if ((await journalRecords(kitDir)) >= (killAtRecord ?? Infinity)) {
            killed = child.kill('SIGKILL');
            return;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      void watch();
      child.on('error', reject);
      child.on('exit', (code) => {
        watching = false;
        out.end();
        resolve({ killed, code });
      });
    });
  });
}

export interface Trial {
  index: number;
  killAt: number;
  mode: 'forward' | 'rollback';
  killedAgainAt: number | null;
  outcome: Outcome;
  left: string[];
  dir: string;
}

export interface FaultOptions {
  kills: number;
  seed: number;
  /** Records of a whole run, to spread the kills over (measured by a first, unkilled run). */
  records?: number;
  onTrial?: (t: Trial) => void;
  keep?: boolean;
}

/** A small deterministic generator, so a failing trial can be run again with the same seed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

async function practice(root: string) {
  const serverDir = path.join(root, 'server');
  const kitDir = path.join(root, 'kit');
  // The kit's CRM setup also changes CRMServices ("touches"): its rollback must bring it back too.
  await initPracticeServer(serverDir, { withServices: true });
  await createPracticeKit(kitDir, {
    resourcesDir: sourceResourcesDir(),
    setupDelayMs: 0,
    servicesFolder: true,
  });
  await (await openPracticeHost(serverDir)).practice?.logOffAllUsers();
  return { serverDir, kitDir };
}

const runArgs = (serverDir: string, kitDir: string, mode: 'forward' | 'rollback') => [
  'run',
  '--practice',
  serverDir,
  '--kit',
  kitDir,
  '--notes-read',
  mode === 'forward' ? '--autopilot' : '--rollback',
];

/** The number of journal records of one whole unkilled run. */
export async function measureRun(): Promise<number> {
  const root = await mkdtemp(path.join(tmpdir(), 'crm-faults-'));
  try {
    const { serverDir, kitDir } = await practice(root);
    await runCli(runArgs(serverDir, kitDir, 'forward'), path.join(root, 'run.log'), kitDir);
    return await journalRecords(kitDir);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function runTrial(
  index: number,
  records: number,
  next: () => number,
  keep = false,
): Promise<Trial> {
  const root = await mkdtemp(path.join(tmpdir(), `crm-fault-${index}-`));
  const { serverDir, kitDir } = await practice(root);
  const before = await readServerState(serverDir);
  const log = path.join(root, 'cli.log');
  const killAt = 1 + Math.floor(next() * records);
  const mode = index % 2 === 0 ? 'forward' : 'rollback';
  await runCli(runArgs(serverDir, kitDir, 'forward'), log, kitDir, killAt);
  // One continuation in three is itself killed: during a resume, or during a rollback.
  let killedAgainAt: number | null = null;
  if (next() < 1 / 3) {
    killedAgainAt = (await journalRecords(kitDir)) + 1 + Math.floor(next() * 30);
    await runCli(runArgs(serverDir, kitDir, mode), log, kitDir, killedAgainAt);
  }
  await runCli(runArgs(serverDir, kitDir, mode), log, kitDir);
  const { outcome, left } = classify(before, await readServerState(serverDir));
  if (outcome !== 'other' && !keep) await rm(root, { recursive: true, force: true });
  return { index, killAt, mode, killedAgainAt, outcome, left, dir: root };
}

export async function runFaults(options: FaultOptions): Promise<Trial[]> {
  const records = options.records ?? (await measureRun());
  const next = random(options.seed);
  const trials: Trial[] = [];
  for (let i = 0; i < options.kills; i++) {
    const trial = await runTrial(i, records, next, options.keep);
    options.onTrial?.(trial);
    trials.push(trial);
  }
  return trials;
}
