/** Test support only: the records a journal test starts from. */
import type { RunRecord } from '../core/run/journal';
import type { Step } from '../shared/plan';
import type { StepId } from '../shared/step-id';

/** A check step in the given state (stand-in ids are allowed). */
export const journalStep = (id: string, status: Step['status'] = 'pending'): Step => ({
  id: id as StepId,
  phase: 'checks',
  kind: 'check',
  optional: false,
  skippable: false,
  title: { key: 'step.check.kit.title' },
  status,
  evidence: {},
});

/** A journal's first record, for a run of two checks. */
export const runRecord = (runId: string): RunRecord => ({
  t: 'run',
  at: '2026-11-24T10:00:00.000Z',
  runId,
  hostname: 'CRM-APP01',
  mode: 'practice',
  kitVersion: '7.8.5.13100517_x64',
  installedVersion: '7.8.4.13050210_x64',
  installPath: '/srv/crm',
  steps: [journalStep('check.kit'), journalStep('check.users')],
});
