import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallHandlers, EventName, EventPayload } from '../shared/contract';
import { type Message, UpgradeError, msg } from '../shared/message';
import type { Step } from '../shared/plan';
import { readConnections } from './crm/web-config';
import { KIT_MANIFEST, KIT_REPORTS } from './kit/kit-manifest';
import { loadTrustedKeys } from './kit/kit-keys';
import { type SignedKit, readSignedKit } from './kit/kit-verify';
import type { Host } from './ports';
import { type Profile, loadProfile } from './profile';
import { sourceResourcesDir } from './resources';
import type { Discovery, EngineOptions } from './run/context';
import { type EngineSetup, UpgradeEngine, hostFolderName } from './run/engine';
import { Journal, findUnfinishedRun, replay } from './run/journal';
import { buildPlan } from './steps/plan';
import { readInstalledVersion } from './steps/read-install';
import { readReleaseNotes } from './kit/release-notes';
import { type VersionName, parseVersionName } from '../shared/version-name';

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
}

export type SessionListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** One upgrade run on one server, as the desktop shell, the CLI and the e2e harness all see it. */
export interface AppSession {
  handlers: CallHandlers;
  subscribe(listener: SessionListener): () => void;
  /** Resolves when no work is under way. */
  idle(): Promise<void>;
  /** Runs the checks alone, in read-only sessions. */
  runChecks(): Promise<Step[]>;
  /** The same, one check at a time (the benchmark's comparison). */
  runChecksOneByOne(): Promise<Step[]>;
  runFolder: string;
  close(): Promise<void>;
}

async function discover(host: Host, profile: Profile, correctedPath?: string): Promise<Discovery> {
  const hostname = await host.system.hostname();
  let problem: Message | null = null;
  const found = await host.iis.findCrm(profile.iis.siteName).catch((err: unknown) => {
    problem =
      err instanceof UpgradeError
        ? err.message_
        : msg('check.installation.no-site.finding', { site: profile.iis.siteName });
    return null;
  });
  // The procedure's "Info Server → [Path:]": the admin may correct the folder IIS reports.
  const site = correctedPath
    ? {
        ...(found ?? {
          siteName: profile.iis.siteName,
          appPath: '/',
          pools: profile.iis.appPools ?? [],
          url: profile.url ?? '',
        }),
        physicalPath: correctedPath,
      }
    : found && profile.iis.appPools
      ? { ...found, pools: profile.iis.appPools }
      : found;
  if (correctedPath) problem = null;
  const mobileSite = profile.iis.mobileSiteName
    ? await host.iis.findCrm(profile.iis.mobileSiteName).catch(() => null)
    : null;
  let connections: Discovery['connections'] = [];
  if (site) {
    connections = await readConnections(
      site.physicalPath,
      profile.connections.file,
      host.decryptConnections,
    ).catch((err: unknown) => {
      problem =
        err instanceof UpgradeError
          ? err.message_
          : msg('crm.web-config.invalid', { path: site.physicalPath });
      return [];
    });
  }
  const installedVersion = site
    ? await readInstalledVersion({ host, physicalPath: site.physicalPath, connections, profile })
    : null;
  return { hostname, site, mobileSite, connections, installedVersion, problem };
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

/** The installed version, when its name can be read; the version check reports it otherwise. */
function installedVersionName(text: string | null): VersionName | null {
  try {
    return text ? parseVersionName(text) : null;
  } catch {
    return null;
  }
}

export async function openSession(options: SessionOptions): Promise<AppSession> {
  const { host } = options;
  const resourcesDir = options.resourcesDir ?? sourceResourcesDir();
  const trusted = await loadTrustedKeys(resourcesDir, host.system.mode === 'practice');
  let kit: SignedKit | null = null;
  let kitProblem: { message: Message; detail?: string } | null = null;
  try {
    kit = await readSignedKit(options.kitDir, trusted);
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    kitProblem = { message: err.message_, ...(err.detail ? { detail: err.detail } : {}) };
  }
  // A signed kit's own profile wins over the one shipped with the app.
  const profile =
    kit?.manifest.profile ?? (await loadProfile(path.join(resourcesDir, 'profiles', 'crm.json')));
  host.adopt?.({ sql: profile.sql });
  let discovery = await discover(host, profile);
  const engineOptions: EngineOptions = {
    ...(options.backupDir ? { backupDir: options.backupDir } : {}),
    setupTimeoutMs: options.setupTimeoutMs ?? 30 * 60_000,
    poolStopTimeoutMs: options.poolStopTimeoutMs ?? 120_000,
    allowedKitExtras: options.allowedKitExtras ?? [],
  };

  let restored: EngineSetup['restored'];
  if (!options.readOnly) {
    const journalFile = await findUnfinishedRun(
      path.join(options.kitDir, KIT_REPORTS, hostFolderName(discovery.hostname)),
    );
    if (journalFile) {
      const { journal, records } = await Journal.open(journalFile);
      restored = { replayed: replay(records), journal, runDir: path.dirname(journalFile) };
    }
  }

  const releaseNotes = kit
    ? await readReleaseNotes(kit, installedVersionName(discovery.installedVersion))
    : [];

  const listeners = new Set<SessionListener>();
  const emit: SessionListener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  const kitVersionText = kit?.manifest.version ?? (await claimedVersion(options.kitDir));
  const makeEngine = () =>
    new UpgradeEngine({
      host,
      kit,
      kitProblem,
      kitDir: options.kitDir,
      kitVersionText,
      profile,
      discovery,
      options: engineOptions,
      definitions: buildPlan({ discovery, profile }),
      releaseNotes,
      events: {
        session: (s) => emit('session', s),
        progress: (p) => emit('progress', p),
        log: (e) => emit('log', e),
      },
      ...(restored ? { restored } : {}),
      readOnly: options.readOnly ?? false,
    });
  let engine = makeEngine();
  await engine.recoverInterrupted();

  const practiceOnly = () => ({ ok: false as const, error: msg('practice.only') });
  const handlers: CallHandlers = {
    getSession: async () => engine.snapshot(),
    startRun: async () => engine.start(),
    confirmStep: (id) => engine.confirm(id),
    skipStep: async (id, reason) => engine.skip(id, reason),
    retryStep: async (id) => engine.retry(id),
    rollback: async () => engine.rollback(),
    correctInstallPath: async () => {
      // Only before anything is done: the whole plan is built on this folder.
      if (engine.snapshot().run.state !== 'ready')
        return { ok: false, error: msg('engine.not-now', { state: engine.snapshot().run.state }) };
      if (!options.chooseFolder) return { ok: false, error: msg('session.choose-folder-unavailable') };
      const folder = await options.chooseFolder();
      if (folder === null) return { ok: true };
      const marker = path.join(folder, ...profile.connections.file.split(/[\\/]/));
      if (
        !(await access(marker).then(
          () => true,
          () => false,
        ))
      ) {
        return { ok: false, error: msg('check.installation.no-files.finding', { path: folder }) };
      }
      discovery = await discover(host, profile, folder);
      engine = makeEngine();
      engine.note(msg('session.install-path-corrected', { path: folder }));
      emit('session', engine.snapshot());
      return { ok: true };
    },
    provideSqlCredentials: async (connection, credentials) => {
      if (!host.credentials) return { ok: false, error: msg('sql.credentials-not-needed') };
      if (!discovery.connections.some((c) => c.name === connection))
        return { ok: false, error: msg('practice.connection-unknown', { connection }) };
      host.credentials.provide(connection, credentials);
      // The log says who, never the password.
      engine.note(
        msg('sql.credentials-received', {
          connection,
          user: credentials.kind === 'ntlm' ? `${credentials.domain}\\${credentials.user}` : credentials.user,
        }),
      );
      return { ok: true };
    },
    practiceLogOffUsers: async () => {
      if (!host.practice) return practiceOnly();
      const count = await host.practice.logOffAllUsers();
      engine.note(msg('practice.logged-off', { count }));
      return { ok: true };
    },
    practicePressAggiornaDatabase: async (connection) => {
      if (!host.practice) return practiceOnly();
      try {
        await host.practice.pressAggiornaDatabase(connection);
        engine.note(msg('practice.aggiorna-database-pressed', { connection }));
        return { ok: true };
      } catch (err) {
        if (err instanceof UpgradeError) return { ok: false, error: err.message_ };
        throw err;
      }
    },
  };

  return {
    handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => engine.idle(),
    runChecks: () => engine.runChecksOnly(),
    runChecksOneByOne: () => engine.runChecksOneByOne(),
    runFolder: engine.runFolder,
    async close() {
      await engine.idle();
      listeners.clear();
    },
  };
}
