import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostLogFn } from './host-log';
import type { Ack, CallHandlers, EventName, EventPayload } from '../shared/contract';
import { type Message, UpgradeError, msg } from '../shared/message';
import type { ReleaseNote, Session, Step } from '../shared/plan';
import type { SqlCredentials } from '../shared/sql-credentials';
import { credentialsProblem } from '../shared/typed-text';
import { KIT_MANIFEST, KIT_REPORTS } from './kit/kit-manifest';
import { loadTrustedKeys } from './kit/kit-keys';
import { type SignedKit, readSignedKit } from './kit/kit-verify';
import type { Host } from './ports';
import type { Profile } from './profile';
import { loadShippedProfile, sourceResourcesDir } from './resources';
import type { Discovery, EngineOptions, FarmContext } from './run/context';
import type { FarmStatus } from '../shared/farm';
import { farmRollingBack, farmServersProblem, finishedRunOfKit, openFarm } from './farm/farm-session';
import { discover } from './discovery';
import { IntentGate } from './run/intent-gate';
import { type EngineSetup, UpgradeEngine } from './run/engine';
import { hostFolderName } from './run/run-ids';
import { JOURNAL_FILE, Journal, SERVER_RUNS, findUnfinishedRun, replay } from './run/journal';
import { lockHeldError, lockUnreadableError, otherHolder } from './run/run-lock';
import { buildPlan } from './steps/plan';
import { readReleaseNotes } from './kit/release-notes';
import { versionNameOrNull } from '../shared/version-name';

export interface SessionOptions {
  host: Host;
  /** The upgrade kit's folder (the USB stick). */
  kitDir: string;
  /** resources/ (keys, profiles); the repo's when absent. */
  resourcesDir?: string;
  /** Where the application folder's zip goes; the host's default when absent. */
  backupDir?: string;
  setupTimeoutMs?: number;
  poolStopTimeoutMs?: number;
  /** Opens a folder picker (main: Electron's dialog) for the admin to correct the CRM's path. */
  chooseFolder?: () => Promise<string | null>;
  /** Checks only, nothing written to the kit (the CLI's `check`). */
  readOnly?: boolean;
  allowedKitExtras?: string[];
  /** How often the users check runs again while the admin waits (tests shorten it). */
  usersRecheckMs?: number;
  /** The plan for this server; the product's own when absent. */
  plan?: typeof buildPlan;
  /** The farm's servers as the admin gives them on the command line (--farm-servers): a confirmation. */
  farmServers?: readonly string[];
}

export type SessionListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** One upgrade run on one server, as the desktop shell, the CLI and the e2e harness all see it. */
export interface AppSession {
  handlers: CallHandlers;
  subscribe(listener: SessionListener): () => void;
  /** Resolves when no work is under way. */
  idle(): Promise<void>;
  /** Resolves when no work is under way and the engine is not waiting for users to log off. */
  settled(): Promise<void>;
  /** Pause the run at the next safe point (Ctrl-C, a closed terminal or window). */
  requestStop(): void;
  /** Runs the checks alone, in read-only sessions. */
  runChecks(): Promise<Step[]>;
  /** The same, one check at a time (the benchmark's comparison). */
  runChecksOneByOne(): Promise<Step[]>;
  /** The current run's folder on the kit (a corrected install path makes a new run). */
  readonly runFolder: string;
  /** Where the host's own log lines go: this run's log (heldHostLog attaches here). */
  hostLog: HostLogFn;
  close(): Promise<void>;
}

/** For the header only, before (or without) a valid signature: what the kit claims to be. */
async function claimedVersion(kitDir: string): Promise<string> {
  try {
    const raw = JSON.parse(await readFile(path.join(kitDir, KIT_MANIFEST), 'utf8')) as { version?: unknown };
    return typeof raw.version === 'string' ? raw.version.slice(0, 64) : '?';
  } catch {
    return '?';
  }
}

interface SessionParts {
  host: Host;
  options: SessionOptions;
  profile: Profile;
  kit: SignedKit | null;
  kitProblem: { message: Message; detail?: string } | null;
  kitVersionText: string;
  engineOptions: EngineOptions;
  releaseNotes: ReleaseNote[];
  restored: EngineSetup['restored'];
  reopenedForRollback: boolean;
  farm: FarmContext;
}

/**
 * The session: one engine for this server's run, the intents the views send it, taken one at a
 * time, and the listeners. Its getters always name the current run.
 */
class UpgradeSession implements AppSession {
  private engine: UpgradeEngine;
  private readonly listeners = new Set<SessionListener>();
  private readonly gate = new IntentGate();
  readonly handlers: CallHandlers;

  constructor(
    private readonly parts: SessionParts,
    private discovery: Discovery,
  ) {
    this.engine = this.makeEngine(parts.restored);
    this.handlers = this.buildHandlers();
  }

  get runFolder(): string {
    return this.engine.runFolder;
  }

  readonly hostLog: HostLogFn = (level, message, detail) => this.engine.hostLog(level, message, detail);

  private emit: SessionListener = (event, payload) => {
    for (const l of this.listeners) l(event, payload);
  };

  private makeEngine(restored?: EngineSetup['restored']): UpgradeEngine {
    const p = this.parts;
    return new UpgradeEngine({
      host: p.host,
      kit: p.kit,
      kitProblem: p.kitProblem,
      kitDir: p.options.kitDir,
      kitVersionText: p.kitVersionText,
      profile: p.profile,
      discovery: this.discovery,
      farm: p.farm,
      options: p.engineOptions,
      definitions: (p.options.plan ?? buildPlan)({
        discovery: this.discovery,
        profile: p.profile,
        kit: p.kit,
      }),
      releaseNotes: p.releaseNotes,
      events: {
        session: (s) => this.emit('session', this.withSessionActions(s)),
        progress: (pr) => this.emit('progress', pr),
        log: (e) => this.emit('log', e),
      },
      ...(restored ? { restored } : {}),
      ...(restored && p.reopenedForRollback ? { reopenedForRollback: true } : {}),
      readOnly: p.options.readOnly ?? false,
    });
  }

  async recover(): Promise<void> {
    await this.engine.recoverInterrupted();
  }

  /** The folder may be corrected only while nothing of the run exists yet. */
  private canCorrectFolder(): boolean {
    return this.engine.snapshot().run.state === 'ready' && !this.engine.begun;
  }

  private withSessionActions(s: Session): Session {
    if (!this.parts.options.chooseFolder || !this.canCorrectFolder()) return s;
    return { ...s, run: { ...s.run, actions: [...s.run.actions, 'correct-install-path'] } };
  }

  private snapshot(): Session {
    return this.withSessionActions(this.engine.snapshot());
  }

  private buildHandlers(): CallHandlers {
    const take = this.gate.take.bind(this.gate);
    return {
      getSession: async () => this.snapshot(),
      startRun: () => take('start', () => this.engine.start()),
      confirmStep: (id) => take('confirm', () => this.engine.confirm(id)),
      skipStep: (id, reason) => take('skip', () => this.engine.skip(id, reason)),
      retryStep: (id) => take('retry', () => this.engine.retry(id)),
      rollback: () => take('rollback', () => this.engine.rollback()),
      waitForUsers: (id) => take('wait-for-users', () => this.engine.waitForUsers(id)),
      stopWaitingForUsers: (id) => take('stop-waiting', () => this.engine.stopWaiting(id)),
      correctInstallPath: () => take('correct-install-path', () => this.correctInstallPath()),
      provideSqlCredentials: (connection, credentials) =>
        take('credentials', () => this.provideSqlCredentials(connection, credentials)),
      practiceLogOffUsers: () => this.practiceLogOffUsers(),
      practicePressAggiornaDatabase: (connection) => this.practicePressAggiornaDatabase(connection),
      getFarmStatus: () => this.farmStatus(),
      setFarmServers: (servers) => take('farm-servers', () => this.setFarmServers(servers)),
    };
  }

  private async farmStatus(): Promise<FarmStatus> {
    const farm = await this.engine.farmNow();
    if (!farm) throw new UpgradeError(msg('farm.status-unavailable'));
    return farm;
  }

  /** The admin confirms or completes the farm's servers: written onto the kit, and the farm check asked again. */
  private async setFarmServers(servers: readonly string[]): Promise<Ack> {
    const problem = farmServersProblem(servers);
    if (problem) return { ok: false, error: problem.message_ };
    const state = this.engine.snapshot().run.state;
    if (state !== 'ready' && state !== 'waiting' && state !== 'paused')
      return { ok: false, error: msg('engine.not-now', { state }) };
    await this.parts.farm.confirm(servers.map((s) => s.trim()));
    this.engine.note(msg('farm.servers-set', { servers: servers.join(', ') }));
    const check = this.engine.snapshot().steps.find((s) => s.id === 'check.farm');
    if (check?.status === 'waiting' && check.actions.includes('confirm'))
      return this.engine.confirm('check.farm');
    this.emit('session', this.snapshot());
    return { ok: true };
  }

  /** The procedure's "Info Server → [Path:]": a new plan on the folder the admin picks. */
  private async correctInstallPath(): Promise<Ack> {
    if (!this.canCorrectFolder())
      return { ok: false, error: msg('engine.not-now', { state: this.engine.snapshot().run.state }) };
    const { chooseFolder } = this.parts.options;
    if (!chooseFolder) return { ok: false, error: msg('session.choose-folder-unavailable') };
    const folder = await chooseFolder();
    if (folder === null) return { ok: true };
    const marker = path.join(folder, ...this.parts.profile.connections.file.split(/[\\/]/));
    if (
      !(await access(marker).then(
        () => true,
        () => false,
      ))
    )
      return { ok: false, error: msg('check.installation.no-files.finding', { path: folder }) };
    if (!this.canCorrectFolder())
      return { ok: false, error: msg('engine.not-now', { state: this.engine.snapshot().run.state }) };
    this.discovery = await discover(this.parts.host, this.parts.profile, folder);
    await this.engine.close();
    this.engine = this.makeEngine();
    this.engine.note(msg('session.install-path-corrected', { path: folder }));
    this.emit('session', this.snapshot());
    return { ok: true };
  }

  private async provideSqlCredentials(connection: string, credentials: SqlCredentials): Promise<Ack> {
    const { host } = this.parts;
    const problem = credentialsProblem(credentials);
    if (problem) return { ok: false, error: problem };
    if (!host.credentials) return { ok: false, error: msg('sql.credentials-not-needed') };
    if (!this.discovery.connections.some((c) => c.name === connection))
      return { ok: false, error: msg('practice.connection-unknown', { connection }) };
    host.credentials.provide(connection, credentials);
    // The log says who, never the password.
    const user =
      credentials.kind === 'ntlm' ? `${credentials.domain}\\${credentials.user}` : credentials.user;
    this.engine.note(msg('sql.credentials-received', { connection, user }));
    if (credentials.allowUnvalidatedCertificate)
      this.engine.note(msg('sql.certificate-exception-consented', { connection, user }));
    return { ok: true };
  }

  /** Practice only: what the CRM's users do when they log off (not an intent of the admin's run). */
  private async practiceLogOffUsers(): Promise<Ack> {
    const practice = this.parts.host.practice;
    if (!practice) return { ok: false, error: msg('practice.only') };
    const count = await practice.logOffAllUsers();
    this.engine.note(msg('practice.logged-off', { count }));
    return { ok: true };
  }

  /** Practice only: what the admin does in the CRM's web UI. */
  private async practicePressAggiornaDatabase(connection: string): Promise<Ack> {
    const practice = this.parts.host.practice;
    if (!practice) return { ok: false, error: msg('practice.only') };
    // Offered only where the engine offers it: not while the farm forbids "Aggiorna Database" (issue 15).
    const offered = this.engine
      .snapshot()
      .steps.some((s) => s.connection === connection && s.actions.includes('practice-aggiorna-database'));
    const step = this.engine
      .snapshot()
      .steps.find((s) => s.connection === connection && s.finding?.key.startsWith('farm.'));
    if (!offered && step?.finding) return { ok: false, error: step.finding };
    try {
      await practice.pressAggiornaDatabase(connection);
      this.engine.note(msg('practice.aggiorna-database-pressed', { connection }));
      return { ok: true };
    } catch (err) {
      if (err instanceof UpgradeError) return { ok: false, error: err.message_ };
      throw err;
    }
  }

  /** A property, not a method: it is handed around detached (main, the e2e harness). */
  readonly subscribe = (listener: SessionListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  idle(): Promise<void> {
    return this.engine.idle();
  }

  settled(): Promise<void> {
    return this.engine.settled();
  }

  requestStop(): void {
    this.engine.requestStop();
  }

  runChecks(): Promise<Step[]> {
    return this.engine.runChecksOnly();
  }

  runChecksOneByOne(): Promise<Step[]> {
    return this.engine.runChecksOneByOne();
  }

  async close(): Promise<void> {
    await this.engine.close();
    this.listeners.clear();
  }
}

async function readKit(options: SessionOptions, resourcesDir: string) {
  const trusted = await loadTrustedKeys(resourcesDir, options.host.system.mode === 'practice');
  try {
    return { kit: await readSignedKit(options.kitDir, trusted), kitProblem: null };
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    return {
      kit: null,
      kitProblem: { message: err.message_, ...(err.detail ? { detail: err.detail } : {}) },
    };
  }
}

/**
 * The unfinished run to continue: the server's journal (the truth, in the tool's state folder),
 * with its copy in this kit's run folder. Before anything is touched, the session refuses to
 * open (an UpgradeError naming what to do) when another live process holds this server's lock
 * (`run.lock-held`), when the lock cannot be read (`run.lock-unreadable`), or when a journal on
 * the server cannot be read (`journal.damaged`, with the backups it recorded): never a new run
 * over a run that may be unfinished. A run found on the kit alone steers nothing
 * (check.exclusive says so).
 */
async function findRestored(
  options: SessionOptions,
  hostname: string,
  farm: FarmContext,
  kitVersion: string,
): Promise<{ restored: EngineSetup['restored']; reopenedForRollback: boolean }> {
  if (options.readOnly) return { restored: undefined, reopenedForRollback: false };
  const { system } = options.host;
  const stateDir = await system.stateDir();
  const holder = await otherHolder(stateDir, null, (pid) => system.processStartTime(pid));
  if (holder?.kind === 'unreadable') throw lockUnreadableError(holder);
  if (holder?.kind === 'held') throw lockHeldError(holder.lock);
  let journalFile = await findUnfinishedRun(path.join(stateDir, SERVER_RUNS));
  let reopenedForRollback = false;
  // Issue 15: the farm rolls back, and this server's run with this kit had finished: it rolls back too.
  if (!journalFile && (await farmRollingBack(farm, hostname))) {
    journalFile = await finishedRunOfKit(stateDir, kitVersion);
    reopenedForRollback = journalFile !== null;
  }
  if (!journalFile) return { restored: undefined, reopenedForRollback: false };
  const runDir = path.join(
    options.kitDir,
    KIT_REPORTS,
    hostFolderName(hostname),
    path.basename(path.dirname(journalFile)),
  );
  const { journal, records } = await Journal.open(journalFile, { copy: path.join(runDir, JOURNAL_FILE) });
  return { restored: { replayed: replay(records), journal, runDir }, reopenedForRollback };
}

export async function openSession(options: SessionOptions): Promise<AppSession> {
  const { host } = options;
  const resourcesDir = options.resourcesDir ?? sourceResourcesDir();
  const { kit, kitProblem } = await readKit(options, resourcesDir);
  // A signed kit's own profile wins over the one shipped with the app.
  const profile = kit?.manifest.profile ?? (await loadShippedProfile(resourcesDir));
  host.adopt?.({ sql: profile.sql });
  const discovery = await discover(host, profile);
  const kitVersionText = kit?.manifest.version ?? (await claimedVersion(options.kitDir));
  const farm = await openFarm({
    host,
    kitDir: options.kitDir,
    kitVersion: kitVersionText,
    hostname: discovery.hostname,
    profile,
    connections: discovery.connections,
    confirmedServers: options.readOnly ? undefined : options.farmServers,
  });
  const engineOptions: EngineOptions = {
    ...(options.backupDir ? { backupDir: options.backupDir } : {}),
    setupTimeoutMs: options.setupTimeoutMs ?? 30 * 60_000,
    poolStopTimeoutMs: options.poolStopTimeoutMs ?? 120_000,
    allowedKitExtras: options.allowedKitExtras ?? [],
    ...(options.usersRecheckMs ? { usersRecheckMs: options.usersRecheckMs } : {}),
  };
  const session = new UpgradeSession(
    {
      host,
      options,
      profile,
      kit,
      kitProblem,
      kitVersionText,
      engineOptions,
      releaseNotes: kit ? await readReleaseNotes(kit, versionNameOrNull(discovery.installedVersion)) : [],
      ...(await findRestored(options, discovery.hostname, farm, kitVersionText)),
      farm,
    },
    discovery,
  );
  await session.recover();
  return session;
}
