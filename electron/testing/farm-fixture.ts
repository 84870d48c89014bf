/** Test support only (never imported by the app): a practice farm, one kit, and an admin's visit to a server. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PracticeKitOptions, createPracticeKit } from '../cli/practice-kit';
import { farmStatusOnKit } from '../core/farm/farm-session';
import { sourceResourcesDir } from '../core/resources';
import { type AppSession, openSession } from '../core/session';
import type { Host } from '../core/ports';
import { openPracticeHost } from '../host/practice/index';
import { type PracticeFarmOptions, initPracticeFarm } from '../host/practice/farm-init';
import type { FarmStatus } from '../shared/farm';
import type { Session } from '../shared/plan';

export interface FarmFixture {
  root: string;
  farmDir: string;
  kitDir: string;
  kitVersion: string;
  servers: { hostname: string; dir: string }[];
  dirOf(hostname: string): string;
  host(hostname: string): Promise<Host>;
  open(hostname: string): Promise<AppSession>;
  /** The farm as the kit's ledger tells it (the CLI's `farm status`). */
  status(): Promise<FarmStatus>;
  /** The .bak files in the shared SQL Server's backup folder. */
  bakFiles(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function farmFixture(
  servers: number,
  options: {
    init?: Omit<PracticeFarmOptions, 'servers'>;
    kit?: Omit<PracticeKitOptions, 'resourcesDir'>;
  } = {},
): Promise<FarmFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'crm-farm-'));
  const kitDir = path.join(root, 'kit');
  const farm = await initPracticeFarm(path.join(root, 'farm'), {
    withMobile: false,
    ...options.init,
    servers,
  });
  const manifest = await createPracticeKit(kitDir, {
    resourcesDir: sourceResourcesDir(),
    setupDelayMs: 0,
    ...options.kit,
  });
  const dirOf = (hostname: string) => {
    const dir = farm.servers.find((s) => s.hostname === hostname)?.dir;
    if (!dir) throw new Error(`no practice server ${hostname} in the farm`);
    return dir;
  };
  return {
    root,
    farmDir: farm.dir,
    kitDir,
    kitVersion: manifest.version,
    servers: farm.servers,
    dirOf,
    host: (hostname) => openPracticeHost(dirOf(hostname)),
    open: async (hostname) =>
      openSession({ host: await openPracticeHost(dirOf(hostname)), kitDir, usersRecheckMs: 50 }),
    status: () => farmStatusOnKit(kitDir, manifest.version),
    bakFiles: async () =>
      (await readdir(path.join(farm.dir, 'sql', 'Backup'))).filter((f) => f.endsWith('.bak')),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/** The step the run stops on, waiting for the farm (one of the farm's gates), if it does. */
export function farmWait(s: Session): Session['steps'][number] | undefined {
  return s.steps.find((x) => x.status === 'waiting' && (x.finding?.key.startsWith('farm.') ?? false));
}

/**
 * A visit to a server as the admin makes it: start or continue, confirm what waits for them, press
 * "Aggiorna Database" when it is offered, and stop where the farm is needed or the run ends. A
 * step waiting for the farm is checked again once when the visit begins there.
 */
export async function visitServer(session: AppSession): Promise<Session> {
  const h = session.handlers;
  let s = await h.getSession();
  let checkedAgain = farmWait(s) === undefined;
  if (s.run.state === 'ready') await h.practiceLogOffUsers();
  if (s.run.actions.includes('start') || s.run.actions.includes('continue')) await h.startRun();
  for (;;) {
    await session.settled();
    s = await h.getSession();
    if (s.run.state !== 'waiting') return s;
    const step = s.steps.find((x) => x.status === 'waiting');
    if (!step?.actions.includes('confirm')) return s;
    if (farmWait(s)) {
      if (checkedAgain) return s;
      checkedAgain = true;
    }
    if (step.actions.includes('practice-aggiorna-database') && step.connection)
      await h.practicePressAggiornaDatabase(step.connection);
    await h.confirmStep(step.id);
  }
}

/** Opens the server, makes the visit, closes it; the session as the visit left it. */
export async function visit(f: FarmFixture, hostname: string): Promise<Session> {
  const session = await f.open(hostname);
  try {
    return await visitServer(session);
  } finally {
    await session.close();
  }
}
