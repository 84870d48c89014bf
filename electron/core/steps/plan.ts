import type { StepContext, StepDefinition } from '../run/context';
import { afterSteps } from './after';
import { backupSteps } from './backup';
import { checkSteps } from './checks';
import { lockoutOn, usersAgain } from './lockout';
import { writeReportStep } from './report';
import { upgradeSteps } from './upgrade';

/** The whole plan for this server, in the procedure's order. */
export function buildPlan(ctx: Pick<StepContext, 'discovery' | 'profile' | 'kit'>): StepDefinition[] {
  // Issue 11: the lockout comes first in the backup phase, then the users are checked again, so
  // that nobody works on a database between its backup and the end of "Aggiorna Database".
  return [
    ...checkSteps(ctx),
    lockoutOn,
    usersAgain,
    ...backupSteps(ctx),
    ...upgradeSteps(ctx),
    ...afterSteps(ctx),
    writeReportStep,
  ];
}
