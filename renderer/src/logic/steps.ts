import type { Phase, RunState, Session, Step, StepStatus } from '../../../electron/shared/plan';

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

/** The step of one database connection, e.g. "after.db-update:crm_main" → "crm_main". */
export function connectionOf(stepId: string): string | null {
  const i = stepId.indexOf(':');
  return i < 0 || i === stepId.length - 1 ? null : stepId.slice(i + 1);
}

/** The step id without its connection suffix: "after.db-update:crm_main" → "after.db-update". */
export function baseIdOf(stepId: string): string {
  const i = stepId.indexOf(':');
  return i < 0 ? stepId : stepId.slice(0, i);
}

export const DB_UPDATE_PREFIX = 'after.db-update:';

/** Procedure step 1 ("Elenco Utenti Connessi"): the check that nobody is logged in. */
export function isConnectedUsersCheck(step: Step): boolean {
  return (
    step.kind === 'check' &&
    baseIdOf(step.id)
      .split('.')
      .some((part) =>
        /^(connected-?users|users-?connected|users|logged-?in-?users|active-?users|user-?sessions)$/.test(
          part,
        ),
      )
  );
}

export function isFinished(status: StepStatus): boolean {
  return status === 'passed' || status === 'warning' || status === 'failed' || status === 'skipped';
}

export function stepsOfPhase(session: Session, phase: Phase): Step[] {
  return session.steps.filter((s) => s.phase === phase);
}

/** What the admin may do on a step, given the run and the session's mode. */
export interface StepActions {
  retry: boolean;
  skip: boolean;
  confirm: boolean;
  practiceLogOffUsers: boolean;
  /** The connection whose "Aggiorna Database" the practice button presses, or null. */
  practiceAggiornaDatabase: string | null;
}

export function stepActions(session: Session, step: Step): StepActions {
  const busy = session.run.state === 'rolling-back' || session.run.state === 'rolled-back';
  const failed = step.status === 'failed';
  const waiting = step.status === 'waiting';
  const practice = session.mode === 'practice';
  return {
    retry: !busy && failed,
    skip: !busy && ((failed && step.skippable) || (waiting && step.optional)),
    confirm: !busy && waiting && step.kind === 'manual',
    practiceLogOffUsers: !busy && practice && failed && isConnectedUsersCheck(step),
    practiceAggiornaDatabase:
      !busy && practice && waiting && step.id.startsWith(DB_UPDATE_PREFIX) ? connectionOf(step.id) : null,
  };
}

/** The run-level buttons. */
export function runActions(session: Session): { start: boolean; continue: boolean; rollback: boolean } {
  const state = session.run.state;
  return {
    start: state === 'ready',
    continue: state === 'paused' && session.run.resumed,
    rollback: session.canRollback && state !== 'rolling-back' && state !== 'rolled-back',
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
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return 'badChars';
  return null;
}
