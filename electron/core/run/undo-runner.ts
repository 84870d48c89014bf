import { UpgradeError, msg } from '../../shared/message';
import type { Step } from '../../shared/plan';
import type { StepContext, StepDefinition, UndoOutcome } from './context';
import type { UndoRecord } from './journal';
import type { RunModel } from './run-model';

/**
 * The steps a rollback must undo, newest first: those that have an undo and whose run began
 * (completed, failed part-way or cut short by a crash). A step that never ran changed nothing.
 */
export function undoPlan(steps: readonly Step[], defs: ReadonlyMap<string, StepDefinition>): Step[] {
  return steps.filter((s) => defs.get(s.id)?.undo !== undefined && s.startedAt !== undefined).reverse();
}

/** What is still to undo: a step whose undo finished is not undone twice; one cut short runs again. */
export function undosLeft(
  steps: readonly Step[],
  defs: ReadonlyMap<string, StepDefinition>,
  undos: ReadonlyMap<string, UndoRecord>,
): Step[] {
  return undoPlan(steps, defs).filter((s) => {
    const done = undos.get(s.id)?.status;
    return done !== 'done' && done !== 'warning';
  });
}

function undoFailure(err: unknown): UndoOutcome {
  return err instanceof UpgradeError
    ? { status: 'failed', finding: err.message_ }
    : { status: 'failed', finding: msg('undo.crashed', { detail: String(err).slice(0, 300) }) };
}

/**
 * Runs each undo left, newest first, each journaled as running and then as ended, so that a
 * rollback killed half-way continues where it stopped. Stops at the first undo that fails.
 */
export async function runUndos(
  model: RunModel,
  defs: ReadonlyMap<string, StepDefinition>,
  contextFor: (step: Step) => StepContext,
  stop: () => boolean = () => false,
): Promise<UndoRecord | null> {
  for (const step of undosLeft(model.steps, defs, model.undos)) {
    // Between two undos is a safe point: the next one waits for the admin.
    if (stop()) return null;
    const undo = defs.get(step.id)?.undo;
    if (!undo) continue;
    const startedAt = new Date().toISOString();
    await model.recordUndo({ stepId: step.id, status: 'running', startedAt });
    let outcome: UndoOutcome;
    try {
      outcome = await undo(contextFor(step));
    } catch (err) {
      outcome = undoFailure(err);
    }
    const record: UndoRecord = {
      stepId: step.id,
      status: outcome.status,
      startedAt,
      finishedAt: new Date().toISOString(),
      finding: outcome.finding,
      ...(outcome.evidence ? { evidence: outcome.evidence } : {}),
    };
    await model.recordUndo(record);
    if (outcome.status === 'failed') return record;
  }
  return null;
}
