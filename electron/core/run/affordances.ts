import type { RunAction, RunState, Step, StepAction } from '../../shared/plan';
import type { StepDefinition } from './context';

export interface RunFacts {
  state: RunState;
  mode: 'practice' | 'windows';
  /** The step whose check the engine re-runs while users log off, if any. */
  waitingForUsers: string | null;
  rollbackBegun: boolean;
  /** Steps a rollback would still undo. */
  undosLeft: number;
  /**
   * The run stopped for the server's restart (a step's waitsFor): nothing more in this process,
   * which the restart ends; the next start of the upgrade manager asks again.
   */
  awaitingRestart?: boolean;
  /** A finished run reopened for the farm's rollback (issue 15): rolling back is all it offers. */
  reopenedForRollback?: boolean;
}

const ACTIVE: ReadonlySet<RunState> = new Set(['running', 'rolling-back', 'rolled-back', 'finished']);

/** What the admin may do on one step now: the one place that decides it. */
export function stepActions(step: Step, def: StepDefinition | undefined, run: RunFacts): StepAction[] {
  if (!def || ACTIVE.has(run.state) || run.rollbackBegun) return [];
  const practice = run.mode === 'practice';
  if (run.waitingForUsers !== null) {
    if (run.waitingForUsers !== step.id) return [];
    return [
      'stop-waiting',
      ...(practice && def.practice === 'log-off-users' ? (['practice-log-off-users'] as const) : []),
    ];
  }
  const actions: StepAction[] = [];
  if (step.status === 'pending' && def.skipAhead && step.skippable) actions.push('skip');
  if (step.status === 'failed') {
    if (def.retryable !== false) actions.push('retry');
    if (step.skippable) actions.push('skip');
    if (def.waitForUsers) actions.push('wait-for-users');
    // Credentials asked for, or given again with the certificate exception ticked.
    const key = step.finding?.key;
    if (key === 'sql.credentials-needed' || key === 'sql.certificate-untrusted')
      actions.push('provide-sql-credentials');
    if (practice && def.practice === 'log-off-users') actions.push('practice-log-off-users');
  }
  if (step.status === 'waiting') {
    if (def.confirm || def.waitsOnFarm) actions.push('confirm');
    if (def.optional) actions.push('skip');
    // Issue 15: not while the farm does not allow "Aggiorna Database" from this server.
    if (practice && def.practice === 'aggiorna-database' && step.evidence.farmReady !== false)
      actions.push('practice-aggiorna-database');
  }
  return actions;
}

/** What the admin may do on the run as a whole now. */
export function runActions(steps: readonly Step[], run: RunFacts): RunAction[] {
  // Neither Continue (it would stop again) nor Rollback (files a setup left for the restart
  // would overwrite what it restores): the server restarts first.
  if (run.awaitingRestart) return [];
  const actions: RunAction[] = [];
  const idle = run.state === 'paused' || run.state === 'waiting';
  if (run.state === 'ready') actions.push('start');
  const stoppedBetweenSteps =
    run.state === 'paused' && !steps.some((s) => s.status === 'failed' || s.status === 'waiting');
  if (stoppedBetweenSteps && !run.rollbackBegun && run.waitingForUsers === null) actions.push('continue');
  const reopened = run.state === 'finished' && run.reopenedForRollback === true;
  if ((idle || reopened) && run.undosLeft > 0 && run.waitingForUsers === null) actions.push('rollback');
  return actions;
}
