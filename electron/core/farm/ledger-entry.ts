import type { RunState, Step } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import type { CrmConnection } from '../ports';
import type { Artifact, UndoRecord } from '../run/journal';
import { DONE } from '../run/run-model';
import { lockoutSince } from '../steps/lockout';
import type { LedgerEntry } from './ledger';

/** What this server's run is, for its entry in the farm's ledger. */
export interface RunForLedger {
  hostname: string;
  runId: string;
  kitVersion: string;
  installation: string;
  fromVersion: string | null;
  codeVersion: string | null;
  state: RunState;
  steps: readonly Step[];
  artifacts: readonly Artifact[];
  undos: ReadonlyMap<StepId, UndoRecord>;
  connections: readonly CrmConnection[];
}

const undoneOk = (undos: RunForLedger['undos'], id: StepId) => {
  const status = undos.get(id)?.status;
  return status === 'done' || status === 'warning';
};

/** When each thing happened: a step's end (or start, while it runs), an undo's end. */
interface Happening {
  at: string;
  id: StepId;
  evidence: Record<string, unknown>;
  undo: boolean;
  status: string;
}

function happenings(run: RunForLedger): Happening[] {
  const list: Happening[] = [];
  for (const s of run.steps) {
    const at = s.finishedAt ?? s.startedAt;
    if (at) list.push({ at, id: s.id, evidence: s.evidence, undo: false, status: s.status });
  }
  for (const u of run.undos.values())
    list.push({
      at: u.finishedAt ?? u.startedAt,
      id: u.stepId,
      evidence: u.evidence ?? {},
      undo: true,
      status: u.status,
    });
  return list.sort((a, b) => a.at.localeCompare(b.at));
}

/** The pools as the run left them: stopped by the stop step or an undo that stops them, started by the start step. */
function poolsState(events: readonly Happening[]): 'started' | 'stopped' {
  let state: 'started' | 'stopped' = 'started';
  for (const e of events) {
    if (!e.undo && e.id === 'backup.stop-pool') state = 'stopped';
    else if (!e.undo && e.id === 'upgrade.start-pool' && e.status === 'passed') state = 'started';
    else if (e.undo && e.status !== 'running' && e.status !== 'failed') {
      if (e.id === 'backup.stop-pool') state = 'started';
      else if (
        e.id === 'upgrade.start-pool' ||
        e.id === 'upgrade.setup' ||
        e.id.startsWith('after.db-update')
      )
        state = 'stopped';
    }
  }
  return state;
}

/** Locked out as other servers may count on: the lockout step took effect (not failed, not half-way). */
function lockedOut(run: RunForLedger): boolean {
  const on = run.steps.find((s) => s.id === 'backup.lockout-on');
  const effective = on?.status === 'passed' || on?.status === 'warning';
  return effective && lockoutSince(run.steps, (id) => undoneOk(run.undos, id)) !== null;
}

/** This server's entry in the farm's ledger, from its run as journaled. */
export function ledgerEntryOf(run: RunForLedger, now = new Date()): LedgerEntry {
  const events = happenings(run);
  const databases = run.connections.flatMap((c) => {
    const last = [...events].reverse().find((e) => typeof e.evidence[`dbVersion.${c.name}`] === 'string');
    const version = last?.evidence[`dbVersion.${c.name}`];
    return typeof version === 'string' && version !== 'unknown' && last
      ? [{ connection: c.name, database: c.database, version, at: last.at }]
      : [];
  });
  const stepOf = (base: string, c: CrmConnection) => run.steps.find((s) => s.id === `${base}:${c.name}`);
  const updates = run.connections.flatMap((c) => {
    const s = stepOf('after.db-update', c);
    return s?.status === 'passed' && s.evidence.updatedHere === true && s.finishedAt
      ? [{ connection: c.name, database: c.database, at: s.finishedAt }]
      : [];
  });
  const restores = run.connections.flatMap((c) =>
    [`backup.db:${c.name}`, `after.db-update:${c.name}`].flatMap((id) => {
      const u = run.undos.get(id as StepId);
      return u?.status === 'done' && u.finding?.key === 'undo.db.restored' && u.finishedAt
        ? [{ connection: c.name, database: c.database, at: u.finishedAt }]
        : [];
    }),
  );
  const ended = run.state === 'finished' || run.state === 'rolled-back';
  const current = ended ? undefined : run.steps.find((s) => !DONE.has(s.status));
  return {
    format: 1,
    kind: 'crm-farm-ledger',
    hostname: run.hostname,
    runId: run.runId,
    kitVersion: run.kitVersion,
    installation: run.installation,
    fromVersion: run.fromVersion,
    codeVersion: run.codeVersion,
    runState: run.state,
    step: current
      ? {
          id: current.id,
          status: current.status,
          waitsOnFarm: current.status === 'waiting' && (current.finding?.key.startsWith('farm.') ?? false),
        }
      : null,
    lockout: lockedOut(run) ? 'on' : 'off',
    pools: poolsState(events),
    rollbackBegun: run.undos.size > 0,
    databases,
    backups: run.artifacts.flatMap((a) =>
      a.kind === 'db-backup' ? [{ ...a, takenBy: a.takenBy ?? run.hostname }] : [],
    ),
    updates,
    restores,
    updatedAt: now.toISOString(),
  };
}
