import type {
  Phase,
  RunAction,
  RunState,
  Session,
  SessionStep,
  Step,
  StepAction,
  StepStatus,
} from '../../../electron/shared/plan';
import { unsafeCharacter } from '../../../electron/shared/plain-text';

/** The phases in plan order (kept here as a plain list: the renderer imports no zod values). */
export const PHASE_ORDER = [
  'checks',
  'backup',
  'upgrade',
  'after',
  'report',
] as const satisfies readonly Phase[];
export const STEP_STATUSES = [
  'pending',
  'running',
  'passed',
  'warning',
  'failed',
  'skipped',
  'waiting',
] as const satisfies readonly StepStatus[];
export const RUN_STATES = [
  'ready',
  'running',
  'paused',
  'waiting',
  'finished',
  'rolling-back',
  'rolled-back',
] as const satisfies readonly RunState[];

export function isFinished(status: StepStatus): boolean {
  return status === 'passed' || status === 'warning' || status === 'failed' || status === 'skipped';
}

export function stepsOfPhase(session: Session, phase: Phase): SessionStep[] {
  return session.steps.filter((s) => s.phase === phase);
}

/** What the admin may do on a step: exactly what the engine offers in the session. */
export interface StepActions {
  retry: boolean;
  skip: boolean;
  confirm: boolean;
  waitForUsers: boolean;
  stopWaiting: boolean;
  practiceLogOffUsers: boolean;
  /** The connection whose "Aggiorna Database" the practice button presses, or null. */
  practiceAggiornaDatabase: string | null;
}

export function stepActions(step: SessionStep): StepActions {
  const can = (action: StepAction) => step.actions.includes(action);
  return {
    retry: can('retry'),
    skip: can('skip'),
    confirm: can('confirm'),
    waitForUsers: can('wait-for-users'),
    stopWaiting: can('stop-waiting'),
    practiceLogOffUsers: can('practice-log-off-users'),
    practiceAggiornaDatabase: can('practice-aggiorna-database') ? (step.connection ?? null) : null,
  };
}

/** The run-level buttons, as the engine offers them. */
export function runActions(session: Session): {
  start: boolean;
  continue: boolean;
  rollback: boolean;
  correctInstallPath: boolean;
} {
  const can = (action: RunAction) => session.run.actions.includes(action);
  return {
    start: can('start'),
    continue: can('continue'),
    rollback: can('rollback'),
    correctInstallPath: can('correct-install-path'),
  };
}

/** The step the banner talks about: the failed one when paused, the waiting one, the running one. */
export function focusStep(session: Session): Step | undefined {
  const want: StepStatus | undefined =
    session.run.state === 'paused'
      ? 'failed'
      : session.run.state === 'waiting'
        ? 'waiting'
        : session.run.state === 'running'
          ? 'running'
          : undefined;
  return want ? session.steps.find((s) => s.status === want) : undefined;
}

/** A reason the contract accepts (trimmed, 5..500 characters, no control characters). */
export type ReasonProblem = 'tooShort' | 'tooLong' | 'badChars';
export function reasonProblem(reason: string): ReasonProblem | null {
  const text = reason.trim();
  if (text.length < 5) return 'tooShort';
  if (text.length > 500) return 'tooLong';
  // The engine's own rule (line breaks, C1 controls, bidi overrides): refused here, not by the IPC later.
  if (unsafeCharacter(reason) !== null) return 'badChars';
  return null;
}
