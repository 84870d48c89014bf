import { type Message, msg } from '../../shared/message';
import type { Step } from '../../shared/plan';
import type { StepDefinition } from './context';
import { type Artifact, artifactKey } from './journal';
import { DONE } from './run-model';

/**
 * No step past the backups runs unless every check and every backup passed or was skipped with
 * a reason, and every backup that was taken has been verified.
 */
export function gateProblem(
  step: Step,
  steps: readonly Step[],
  defs: ReadonlyMap<string, StepDefinition>,
  artifacts: readonly Artifact[],
): Message | null {
  if (step.phase === 'checks' || step.phase === 'backup') return null;
  const open = steps.filter((s) => (s.phase === 'checks' || s.phase === 'backup') && !DONE.has(s.status));
  if (open.length > 0) return msg('engine.gate.closed', { steps: open.map((s) => s.id).join(', ') });
  const unverified = steps.filter((s) => {
    const produces = defs.get(s.id)?.produces;
    return (
      s.status === 'passed' &&
      produces !== undefined &&
      !artifacts.some((a) => artifactKey(a) === produces && a.verified)
    );
  });
  if (unverified.length > 0)
    return msg('engine.gate.unverified', { steps: unverified.map((s) => s.id).join(', ') });
  return null;
}
