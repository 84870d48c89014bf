import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Ack, UpgraderApi } from '../../../electron/shared/contract';
import type { FarmStatus } from '../../../electron/shared/farm';
import { DEFAULT_LANGUAGE, type Language } from '../../../electron/shared/i18n';
import type { ShownMessage } from '../i18n';
import type { LogEntry, Progress, Session, StepId, StepStatus } from '../../../electron/shared/plan';
import type { SqlCredentials } from '../../../electron/shared/sql-credentials';

/** How many log entries the renderer keeps (the journal on disk keeps them all). */
export const LOG_LIMIT = 200;

/** The intents the admin can express; one at a time. */
export type ActionName =
  | 'startRun'
  | 'confirmStep'
  | 'skipStep'
  | 'retryStep'
  | 'rollback'
  | 'waitForUsers'
  | 'stopWaitingForUsers'
  | 'practiceLogOffUsers'
  | 'practicePressAggiornaDatabase'
  | 'provideSqlCredentials'
  | 'correctInstallPath'
  | 'setFarmServers';

export interface UpgradeState {
  /** The engine's view of the run; null until the first getSession() answers. */
  session: Session | null;
  /** The latest progress of each step that reported some. */
  progress: Partial<Record<StepId, Progress>>;
  /** The last LOG_LIMIT log entries, oldest first. */
  log: LogEntry[];
  /** An action is on its way to the engine (buttons are disabled meanwhile). */
  pending: boolean;
  /** Which action, for a spinner next to the right button. */
  pendingAction: { name: ActionName; stepId?: StepId } | null;
  /** The last failed Ack (or a call that rejected), shown until dismissed or the next action. */
  error: ShownMessage | null;
  language: Language;
  /** The farm as this server sees it (issue 15); null until the first getFarmStatus() answers. */
  farm: FarmStatus | null;

  /** Reads the session (the constructor already does once); resolves when it is in. */
  load(): Promise<void>;
  startRun(): Promise<boolean>;
  confirmStep(stepId: StepId): Promise<boolean>;
  skipStep(stepId: StepId, reason: string): Promise<boolean>;
  retryStep(stepId: StepId): Promise<boolean>;
  rollback(): Promise<boolean>;
  waitForUsers(stepId: StepId): Promise<boolean>;
  stopWaitingForUsers(stepId: StepId): Promise<boolean>;
  practiceLogOffUsers(): Promise<boolean>;
  practicePressAggiornaDatabase(connectionId: string): Promise<boolean>;
  /** Asks main to show a folder picker for the CRM's path (no path leaves the renderer). */
  correctInstallPath(): Promise<boolean>;
  /** Hands the typed SQL credentials to main, then runs the step that needed them again. */
  provideSqlCredentials(stepId: StepId, connectionId: string, credentials: SqlCredentials): Promise<boolean>;
  /** Reads the farm again; a failure keeps the last good one and shows the error. */
  loadFarm(): Promise<void>;
  /** The admin confirms or completes the farm's servers; the farm is read again afterwards. */
  setFarmServers(names: string[]): Promise<boolean>;
  dismissError(): void;
  setLanguage(language: Language): void;
}

export interface UpgradeStore extends StoreApi<UpgradeState> {
  /** Unsubscribes from the bridge's events; the store keeps its last state. */
  dispose(): void;
}

export interface UpgradeStoreOptions {
  language?: Language;
  /** A session already known (tests, or a host that hands one over); getSession() still runs. */
  session?: Session | null;
  /** A farm already known (tests); getFarmStatus() still runs. */
  farm?: FarmStatus | null;
  /** Whether to call getSession() and getFarmStatus() at once (default true). */
  load?: boolean;
}

const FINISHED: ReadonlySet<StepStatus> = new Set(['passed', 'warning', 'failed', 'skipped']);

/**
 * What of a session moves the farm: the run's state and each step's status once settled. A step
 * under way ('running') keeps the status it had: a users check that runs again every few hundred
 * milliseconds, failing each time, moves nothing; progress and log events move nothing either.
 */
class FarmSignature {
  private readonly settled = new Map<string, string>();
  private runId = '';

  of(session: Session): string {
    if (session.run.id !== this.runId) {
      this.settled.clear();
      this.runId = session.run.id;
    }
    if (session.run.state !== 'running') this.settled.set('#run', session.run.state);
    for (const s of session.steps) if (s.status !== 'running') this.settled.set(s.id, s.status);
    return [this.runId, ...[...this.settled].map(([k, v]) => `${k}=${v}`)].join('|');
  }
}

function detailOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}

/**
 * The renderer's state, fed by the bridge's events and driving it with the admin's intents.
 * A vanilla store, so it is testable in node with a fake bridge; React reads it through
 * useUpgrade() in ./react.
 */
export function createUpgradeStore(bridge: UpgraderApi, options: UpgradeStoreOptions = {}): UpgradeStore {
  /** Bumped by every 'session' event, so that an older getSession() answer never overwrites a newer event. */
  let sessionEvents = 0;
  /** getFarmStatus() calls asked and answered, so that a slow older answer never overwrites a newer one. */
  let farmAsked = 0;
  let farmShown = 0;
  let disposed = false;

  const farmSignature = new FarmSignature();
  let lastFarmSignature = options.session ? farmSignature.of(options.session) : '';
  const store = createStore<UpgradeState>()((set, get) => {
    async function call(
      action: NonNullable<UpgradeState['pendingAction']>,
      run: () => Promise<Ack>,
    ): Promise<boolean> {
      if (get().pending || disposed) return false;
      set({ pending: true, pendingAction: action, error: null });
      let ack: Ack | { ok: false; error: ShownMessage };
      try {
        ack = await run();
      } catch (error) {
        ack = { ok: false, error: { key: 'ui.error.call', params: { detail: detailOf(error) } } };
      }
      set(
        ack.ok
          ? { pending: false, pendingAction: null }
          : { pending: false, pendingAction: null, error: ack.error },
      );
      return ack.ok;
    }

    return {
      session: options.session ?? null,
      progress: {},
      log: [],
      pending: false,
      pendingAction: null,
      error: null,
      language: options.language ?? DEFAULT_LANGUAGE,
      farm: options.farm ?? null,

      async load() {
        const seen = sessionEvents;
        try {
          const session = await bridge.getSession();
          if (!disposed && sessionEvents === seen) {
            lastFarmSignature = farmSignature.of(session);
            set({ session });
          }
        } catch (error) {
          if (!disposed) set({ error: { key: 'ui.error.session', params: { detail: detailOf(error) } } });
        }
      },
      startRun: () => call({ name: 'startRun' }, () => bridge.startRun()),
      confirmStep: (stepId) => call({ name: 'confirmStep', stepId }, () => bridge.confirmStep(stepId)),
      skipStep: (stepId, reason) =>
        call({ name: 'skipStep', stepId }, () => bridge.skipStep(stepId, reason.trim())),
      retryStep: (stepId) => call({ name: 'retryStep', stepId }, () => bridge.retryStep(stepId)),
      rollback: () => call({ name: 'rollback' }, () => bridge.rollback()),
      waitForUsers: (stepId) => call({ name: 'waitForUsers', stepId }, () => bridge.waitForUsers(stepId)),
      stopWaitingForUsers: (stepId) =>
        call({ name: 'stopWaitingForUsers', stepId }, () => bridge.stopWaitingForUsers(stepId)),
      practiceLogOffUsers: () => call({ name: 'practiceLogOffUsers' }, () => bridge.practiceLogOffUsers()),
      practicePressAggiornaDatabase: (connectionId) =>
        call({ name: 'practicePressAggiornaDatabase' }, () =>
          bridge.practicePressAggiornaDatabase(connectionId),
        ),
      correctInstallPath: () => call({ name: 'correctInstallPath' }, () => bridge.correctInstallPath()),
      provideSqlCredentials: async (stepId, connectionId, credentials) =>
        (await call({ name: 'provideSqlCredentials', stepId }, () =>
          bridge.provideSqlCredentials(connectionId, credentials),
        )) && call({ name: 'retryStep', stepId }, () => bridge.retryStep(stepId)),
      async loadFarm() {
        const asked = ++farmAsked;
        try {
          const farm = await bridge.getFarmStatus();
          if (disposed || asked < farmShown) return;
          farmShown = asked;
          set({ farm });
        } catch (error) {
          if (!disposed) set({ error: { key: 'ui.error.farm', params: { detail: detailOf(error) } } });
        }
      },
      async setFarmServers(names) {
        if (get().pending || disposed) return false;
        const ok = await call({ name: 'setFarmServers' }, () => bridge.setFarmServers(names));
        // Read again even after a refusal: the ledger may have moved under the admin's eyes.
        await get().loadFarm();
        return ok;
      },
      dismissError: () => set({ error: null }),
      setLanguage: (language) => set({ language }),
    };
  });

  const unsubscribers = [
    bridge.on('session', (session) => {
      sessionEvents++;
      const signature = farmSignature.of(session);
      // Progress of steps that have finished is history: drop it with the new session.
      const progress = { ...store.getState().progress };
      for (const step of session.steps) if (FINISHED.has(step.status)) delete progress[step.id];
      store.setState({ session, progress });
      // This server's run moved: what it wrote in the ledger, and the next step, may have too.
      if (signature !== lastFarmSignature) {
        lastFarmSignature = signature;
        void store.getState().loadFarm();
      }
    }),
    bridge.on('progress', (progress) => {
      store.setState((state) => ({ progress: { ...state.progress, [progress.stepId]: progress } }));
    }),
    bridge.on('log', (entry) => {
      store.setState((state) => {
        const log =
          state.log.length >= LOG_LIMIT
            ? state.log.slice(state.log.length - LOG_LIMIT + 1)
            : state.log.slice();
        log.push(entry);
        return { log };
      });
    }),
  ];

  if (options.load !== false) {
    void store.getState().load();
    void store.getState().loadFarm();
  }

  return Object.assign(store, {
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  });
}
