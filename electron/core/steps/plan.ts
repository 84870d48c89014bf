import type { StepContext, StepDefinition } from '../run/context';
import { afterSteps } from './after';
import { backupSteps } from './backup';
import { checkSteps } from './checks';
import { farmCheck } from './farm';
import { lockoutOn, usersAgain } from './lockout';
import { writeReportStep } from './report';
import { stopPools, upgradeSteps } from './upgrade';

/** The whole plan for this server, in the procedure's order. */
export function buildPlan(ctx: Pick<StepContext, 'discovery' | 'profile' | 'kit'>): StepDefinition[] {
  // Issue 11: the lockout comes first in the backup phase, then the users are checked again, so
  // that nobody works on a database between its backup and the end of "Aggiorna Database".
  // Issue 15: the pools stop before the databases' backups, so that in a farm no server's CRM
  // holds a session on them while they are backed up, updated or restored; alone, it is the same.
  const backups = backupSteps(ctx);
  return [
    ...checkSteps(ctx),
    farmCheck,
    lockoutOn,
    usersAgain,
    ...backups.folders,
    stopPools,
    ...backups.databases,
    ...upgradeSteps(ctx),
    ...afterSteps(ctx),
    writeReportStep,
  ];
}
