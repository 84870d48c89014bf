import { describe, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { Step } from '../../shared/plan';
import { type RunFacts, runActions, stepActions } from './affordances';
import type { StepDefinition } from './context';

const def: StepDefinition = {
  id: 'check.users',
  phase: 'checks',
  kind: 'check',
  skippable: true,
  title: msg('step.check.users.title'),
  run: async () => ({ status: 'passed' }),
};
const step = (patch: Partial<Step> = {}): Step => ({
  id: 'check.users',
  phase: 'checks',
  kind: 'check',
  optional: false,
  skippable: true,
  title: msg('step.check.users.title'),
  status: 'failed',
  evidence: {},
  ...patch,
});
const facts = (patch: Partial<RunFacts> = {}): RunFacts => ({
  state: 'paused',
  mode: 'windows',
  waitingForUsers: null,
  rollbackBegun: false,
  undosLeft: 0,
  ...patch,
});

describe('what the admin may do, decided in one place', () => {
  it('a failed step: retry, and skip only when skippable', () => {
    expect(stepActions(step(), def, facts())).toEqual(['retry', 'skip']);
    expect(stepActions(step({ skippable: false }), def, facts())).toEqual(['retry']);
    expect(stepActions(step(), { ...def, retryable: false }, facts())).toEqual(['skip']);
  });

  it('SQL credentials are asked for by the step whose connection needs them', () => {
    const needs = step({ finding: msg('sql.credentials-needed', { connection: 'Produzione' }) });
    expect(stepActions(needs, def, facts())).toContain('provide-sql-credentials');
    expect(stepActions(step(), def, facts())).not.toContain('provide-sql-credentials');
    // Refused for an unvalidated certificate: given again, with the exception ticked on screen.
    const untrusted = step({
      finding: msg('sql.certificate-untrusted', { connection: 'Produzione', detail: 'self-signed' }),
    });
    expect(stepActions(untrusted, def, facts())).toContain('provide-sql-credentials');
  });

  it('the practice shortcuts only on a practice server', () => {
    const practiceDef = { ...def, practice: 'log-off-users' as const, waitForUsers: true };
    expect(stepActions(step(), practiceDef, facts())).toEqual(['retry', 'skip', 'wait-for-users']);
    expect(stepActions(step(), practiceDef, facts({ mode: 'practice' }))).toContain('practice-log-off-users');
  });

  it('nothing on a step while the run works, rolls back, or after a rollback began', () => {
    for (const state of ['running', 'rolling-back', 'rolled-back', 'finished'] as const)
      expect(stepActions(step(), def, facts({ state }))).toEqual([]);
    expect(stepActions(step(), def, facts({ rollbackBegun: true }))).toEqual([]);
  });

  it('a step skipped ahead of the run only when its definition allows it', () => {
    const pending = step({ status: 'pending' });
    expect(stepActions(pending, def, facts({ state: 'ready' }))).toEqual([]);
    expect(stepActions(pending, { ...def, skipAhead: true }, facts({ state: 'ready' }))).toEqual(['skip']);
  });

  it('run actions: start when ready, continue between steps, rollback when something changed', () => {
    expect(runActions([], facts({ state: 'ready' }))).toEqual(['start']);
    expect(runActions([step({ status: 'passed' })], facts())).toEqual(['continue']);
    expect(runActions([step()], facts({ undosLeft: 2 }))).toEqual(['rollback']);
    expect(runActions([step()], facts({ undosLeft: 2, waitingForUsers: 'check.users' }))).toEqual([]);
  });
});
