import { msg } from '../../shared/message';
import type { StepDefinition } from '../run/context';

export const writeReportStep: StepDefinition = {
  id: 'report.write',
  phase: 'report',
  kind: 'action',
  skippable: false,
  title: msg('step.report.write.title'),
  run: (ctx) => ctx.writeReport(),
};
