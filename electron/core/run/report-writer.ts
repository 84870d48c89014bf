import type { FarmStatus } from '../../shared/farm';
import type { Session } from '../../shared/plan';
import type { SignedKit } from '../kit/kit-verify';
import { type ReportRollback, writeReport } from '../report/report';
import type { StepDefinition } from './context';
import type { RunModel } from './run-model';
import { undoPlan } from './undo-runner';

export type ReportOutcome = 'upgraded' | 'rolled-back' | 'failed';

/** The rollback as the report tells it: each undo with its step's title, in the order they ran. */
function rollbackSummary(
  model: RunModel,
  defs: ReadonlyMap<string, StepDefinition>,
): ReportRollback | undefined {
  const undos = [...model.undos.values()];
  if (undos.length === 0) return undefined;
  const order = undoPlan(model.steps, defs).map((s) => s.id);
  undos.sort((a, b) => order.indexOf(a.stepId) - order.indexOf(b.stepId));
  return {
    startedAt: undos[0]?.startedAt ?? '',
    finishedAt: undos.reduce((last, u) => (u.finishedAt && u.finishedAt > last ? u.finishedAt : last), ''),
    undos: undos.map((u) => ({ ...u, title: model.find(u.stepId)?.title ?? { key: 'undo.unknown-step' } })),
  };
}

export interface ReportWriterSetup {
  runDir: string;
  fromVersion: string | null;
  toVersion: string;
  kit: SignedKit | null;
  farm?: FarmStatus | undefined;
}

/** Writes the report onto the kit from the run's model and a snapshot of the session. */
export async function writeRunReport(
  setup: ReportWriterSetup,
  model: RunModel,
  defs: ReadonlyMap<string, StepDefinition>,
  snapshot: Session,
  outcome: ReportOutcome,
  finishedAt: string,
): Promise<{ jsonPath: string; htmlPath: string; outcome: ReportOutcome }> {
  const written = await writeReport(setup.runDir, {
    session: snapshot,
    outcome,
    fromVersion: setup.fromVersion,
    toVersion: setup.toVersion,
    kitKey: setup.kit ? setup.kit.key : null,
    artifacts: model.artifacts,
    rollback: rollbackSummary(model, defs),
    startedAt: model.startedAt ?? finishedAt,
    finishedAt,
    farm: setup.farm,
  });
  return { ...written, outcome };
}
