import type { StepContext, StepDefinition } from '../run/context';
import { afterSteps } from './after';
import { backupSteps } from './backup';
import { checkSteps } from './checks';
import { writeReportStep } from './report';
import { upgradeSteps } from './upgrade';

/** The whole plan for this server, in the procedure's order. */
export function buildPlan(ctx: Pick<StepContext, 'discovery' | 'profile'>): StepDefinition[] {
  return [...checkSteps(ctx), ...backupSteps(ctx), ...upgradeSteps(ctx), ...afterSteps(ctx), writeReportStep];
}
