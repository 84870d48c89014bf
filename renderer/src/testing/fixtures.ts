import type { SqlCredentials } from '../../../electron/shared/sql-credentials';
import type { Ack, EventName, EventPayload, UpgraderApi } from '../../../electron/shared/contract';
import type { Session, Step } from '../../../electron/shared/plan';

/** Test helpers (not shipped: only *.test.ts(x) import them). */

export function step(id: string, patch: Partial<Step> = {}): Step {
  return {
    id,
    phase: 'checks',
    kind: 'check',
    severity: 'blocking',
    optional: false,
    skippable: false,
    title: { key: `step.${id.split(':')[0]}.title` },
    status: 'pending',
    evidence: {},
    ...patch,
  };
}

export function session(patch: Partial<Session> = {}, steps: Step[] = [step('check.elevation')]): Session {
  return {
    mode: 'practice',
    server: {
      hostname: 'CRM-APP01',
      installedVersion: '7.8.3.13010210_x64',
      installPath: 'C:\\inetpub\\crm',
    },
    kit: { versionName: '7.8.5.13100517_x64', practiceKey: false },
    run: { id: 'run-1', state: 'ready', resumed: false },
    steps,
    canRollback: false,
    releaseNotes: [],
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
  startRun(): Promise<Ack> {
    return this.answer('startRun', []);
  }
  confirmStep(id: string): Promise<Ack> {
    return this.answer('confirmStep', [id]);
  }
  skipStep(id: string, reason: string): Promise<Ack> {
    return this.answer('skipStep', [id, reason]);
  }
  retryStep(id: string): Promise<Ack> {
    return this.answer('retryStep', [id]);
  }
  rollback(): Promise<Ack> {
    return this.answer('rollback', []);
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
