import type { StepContext, StepDefinition } from '../run/context';
import { afterSteps } from './after';
import { backupSteps } from './backup';
import { CHECKS } from './checks';
import { writeReportStep } from './report';
import { upgradeSteps } from './upgrade';

/** The whole plan for this server, in the procedure's order. */
export function buildPlan(ctx: Pick<StepContext, 'discovery'>): StepDefinition[] {
  return [...CHECKS, ...backupSteps(ctx), ...upgradeSteps(ctx), ...afterSteps(ctx), writeReportStep];
}
