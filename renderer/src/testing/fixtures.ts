import type { SqlCredentials } from '../../../electron/shared/sql-credentials';
import type { Ack, EventName, EventPayload, UpgraderApi } from '../../../electron/shared/contract';
import type { FarmServer, FarmStatus } from '../../../electron/shared/farm';
import type { Message, MessageKey } from '../../../electron/shared/message';
import type { Session, SessionStep, StepId } from '../../../electron/shared/plan';

/** Test helpers (not shipped: only *.test.ts(x) import them). */

/**
 * A Message under a stand-in key, one the test adds to the catalogue itself (or none, to see an
 * unknown key): the compiler knows only the catalogue's own keys.
 */
export function standInMessage(key: string, params?: Message['params']): Message {
  return { key: key as MessageKey, ...(params ? { params } : {}) };
}

/**
 * A step as the engine shows it. `id` may be a stand-in (the renderer recognises no step by
 * its id); it offers no action unless `actions` says so.
 */
export function step(id: string, patch: Partial<SessionStep> = {}): SessionStep {
  return {
    id: id as StepId,
    phase: 'checks',
    kind: 'check',
    severity: 'blocking',
    optional: false,
    skippable: false,
    title: standInMessage(`step.${id.split(':')[0]}.title`),
    status: 'pending',
    evidence: {},
    actions: [],
    ...patch,
  };
}

export type Run = Session['run'];

/** The run part of a session: ready, offering nothing unless `patch.actions` says so. */
export function run(patch: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    state: 'ready',
    resumed: false,
    actions: [],
    usersRecheckMs: 5_000,
    stopping: false,
    rollbackBegun: false,
    ...patch,
  };
}

/** A session; `patch.run` is merged onto run()'s defaults. */
export function session(
  patch: Partial<Omit<Session, 'run'>> & { run?: Partial<Run> } = {},
  steps: SessionStep[] = [step('check.elevation')],
): Session {
  const { run: runPatch, ...rest } = patch;
  return {
    mode: 'practice',
    server: {
      hostname: 'CRM-APP01',
      installedVersion: '7.8.3.13010210_x64',
      installPath: 'C:\\inetpub\\crm',
    },
    kit: { versionName: '7.8.5.13100517_x64', practiceKey: false },
    run: run(runPatch),
    steps,
    releaseNotes: [],
    ...rest,
  };
}

/** A server of the farm: known from the ledger, never run, nothing known of it, unless `patch` says. */
export function farmServer(hostname: string, patch: Partial<FarmServer> = {}): FarmServer {
  return {
    hostname,
    sources: ['ledger'],
    isThis: false,
    codeVersion: null,
    lockout: 'unknown',
    pools: 'unknown',
    runState: null,
    step: null,
    updatedAt: null,
    mustRollBack: false,
    ...patch,
  };
}

/** A farm of one: this server (CRM-APP01), on 7.8.3, ready, the kit at 7.8.5. */
export function farmStatus(patch: Partial<FarmStatus> = {}): FarmStatus {
  return {
    kitVersion: '7.8.5.13100517_x64',
    fromVersion: '7.8.3.13010210_x64',
    servers: [
      farmServer('CRM-APP01', {
        sources: ['this'],
        isThis: true,
        codeVersion: '7.8.3.13010210_x64',
        lockout: 'off',
        pools: 'started',
        runState: 'ready',
      }),
    ],
    connections: [],
    next: { server: 'CRM-APP01', message: standInMessage('step.upgrade.setup.title') },
    complete: false,
    rollback: false,
    problems: [],
    at: '2026-11-27T20:04:00.000Z',
    ...patch,
  };
}

type Listener = (payload: never) => void;

/** A hand-written UpgraderApi: records calls, answers with the Ack you set, emits events on demand. */
export class FakeBridge implements UpgraderApi {
  readonly calls: { name: string; args: unknown[] }[] = [];
  readonly listeners = new Map<EventName, Set<Listener>>();
  /** What the next calls answer (per call name), default ok. */
  acks: Partial<Record<string, Ack | Error>> = {};
  current: Session;
  /** What getFarmStatus() answers next; an Error rejects. */
  farm: FarmStatus | Error = farmStatus();

  constructor(initial: Session = session()) {
    this.current = initial;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (p: EventPayload<E>) => void)(payload);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  }

  private answer(name: string, args: unknown[]): Promise<Ack> {
    this.calls.push({ name, args });
    const ack = this.acks[name] ?? { ok: true };
    return ack instanceof Error ? Promise.reject(ack) : Promise.resolve(ack);
  }

  getSession(): Promise<Session> {
    this.calls.push({ name: 'getSession', args: [] });
    return Promise.resolve(this.current);
  }
  getFarmStatus(): Promise<FarmStatus> {
    this.calls.push({ name: 'getFarmStatus', args: [] });
    return this.farm instanceof Error ? Promise.reject(this.farm) : Promise.resolve(this.farm);
  }
  setFarmServers(names: string[]): Promise<Ack> {
    return this.answer('setFarmServers', [names]);
  }
  startRun(): Promise<Ack> {
    return this.answer('startRun', []);
  }
  confirmStep(id: StepId): Promise<Ack> {
    return this.answer('confirmStep', [id]);
  }
  skipStep(id: StepId, reason: string): Promise<Ack> {
    return this.answer('skipStep', [id, reason]);
  }
  retryStep(id: StepId): Promise<Ack> {
    return this.answer('retryStep', [id]);
  }
  rollback(): Promise<Ack> {
    return this.answer('rollback', []);
  }
  waitForUsers(id: StepId): Promise<Ack> {
    return this.answer('waitForUsers', [id]);
  }
  stopWaitingForUsers(id: StepId): Promise<Ack> {
    return this.answer('stopWaitingForUsers', [id]);
  }
  practiceLogOffUsers(): Promise<Ack> {
    return this.answer('practiceLogOffUsers', []);
  }
  practicePressAggiornaDatabase(connectionId: string): Promise<Ack> {
    return this.answer('practicePressAggiornaDatabase', [connectionId]);
  }
  correctInstallPath(): Promise<Ack> {
    return this.answer('correctInstallPath', []);
  }
  provideSqlCredentials(connectionId: string, credentials: SqlCredentials): Promise<Ack> {
    return this.answer('provideSqlCredentials', [connectionId, credentials]);
  }
}
