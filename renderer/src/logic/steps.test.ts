import { describe, expect, it } from 'vitest';
import type { SessionStep } from '../../../electron/shared/plan';
import { session, step } from '../testing/fixtures';
import { focusStep, reasonProblem, runActions, stepActions } from './steps';
import { describeVersionText } from './version';

const NONE = {
  retry: false,
  skip: false,
  confirm: false,
  waitForUsers: false,
  stopWaiting: false,
  practiceLogOffUsers: false,
  practiceAggiornaDatabase: null,
};

describe('stepActions: exactly what the engine offers on the step', () => {
  const failedCheck = step('check.users', { status: 'failed', skippable: true });

  it('offers only Retry when the step offers only retry, though it is failed and skippable', () => {
    expect(stepActions({ ...failedCheck, actions: ['retry'] })).toEqual({ ...NONE, retry: true });
  });

  it('offers each of a failed users check’s actions', () => {
    expect(
      stepActions({
        ...failedCheck,
        actions: ['retry', 'skip', 'wait-for-users', 'practice-log-off-users'],
      }),
    ).toEqual({ ...NONE, retry: true, skip: true, waitForUsers: true, practiceLogOffUsers: true });
  });

  it('offers stop-waiting and the practice log-off while the engine waits for users', () => {
    expect(stepActions({ ...failedCheck, actions: ['stop-waiting', 'practice-log-off-users'] })).toEqual({
      ...NONE,
      stopWaiting: true,
      practiceLogOffUsers: true,
    });
  });

  it('offers nothing when the step offers nothing, whatever its status, skippability or id', () => {
    expect(stepActions(failedCheck)).toEqual(NONE);
    expect(stepActions(step('after.db-update:crm_main', { status: 'waiting', kind: 'manual' }))).toEqual(
      NONE,
    );
    expect(
      stepActions(step('after.add-functions', { status: 'waiting', optional: true, skippable: true })),
    ).toEqual(NONE);
  });

  it('names the connection of "Aggiorna Database" from the step’s connection, not its id', () => {
    const dbUpdate: SessionStep = step('x', {
      phase: 'after',
      kind: 'manual',
      status: 'waiting',
      connection: 'crm_main',
      actions: ['confirm', 'practice-aggiorna-database'],
    });
    expect(stepActions(dbUpdate)).toEqual({ ...NONE, confirm: true, practiceAggiornaDatabase: 'crm_main' });
    // Offered on a step without a connection: no button can say which database.
    expect(stepActions({ ...dbUpdate, connection: undefined }).practiceAggiornaDatabase).toBeNull();
    // The connection alone offers nothing.
    expect(stepActions({ ...dbUpdate, actions: ['confirm'] }).practiceAggiornaDatabase).toBeNull();
  });

  it('offers Skip on the waiting optional "Aggiorna Database" of a second connection', () => {
    const second = step('after.db-update:Formazione', {
      phase: 'after',
      kind: 'manual',
      status: 'waiting',
      optional: true,
      skippable: false,
      connection: 'Formazione',
      actions: ['confirm', 'skip', 'practice-aggiorna-database'],
    });
    expect(stepActions(second)).toEqual({
      ...NONE,
      confirm: true,
      skip: true,
      practiceAggiornaDatabase: 'Formazione',
    });
  });

  it('offers Skip on a pending step the engine lets be skipped ahead', () => {
    expect(stepActions(step('backup.db:main', { phase: 'backup', actions: ['skip'] }))).toEqual({
      ...NONE,
      skip: true,
    });
  });
});

describe('runActions and focusStep', () => {
  it('offers exactly the run’s actions, whatever its state', () => {
    expect(runActions(session({ run: { state: 'ready', actions: ['start'] } }))).toEqual({
      start: true,
      continue: false,
      rollback: false,
      correctInstallPath: false,
    });
    expect(
      runActions(session({ run: { state: 'paused', resumed: true, actions: ['continue', 'rollback'] } })),
    ).toEqual({
      start: false,
      continue: true,
      rollback: true,
      correctInstallPath: false,
    });
    expect(
      runActions(session({ run: { state: 'ready', actions: ['start', 'correct-install-path'] } })),
    ).toEqual({
      start: true,
      continue: false,
      rollback: false,
      correctInstallPath: true,
    });
    // Ready, or paused after a resume, but offering nothing: nothing.
    expect(Object.values(runActions(session({ run: { state: 'ready', actions: [] } })))).not.toContain(true);
    expect(
      Object.values(runActions(session({ run: { state: 'paused', resumed: true, rollbackBegun: true } }))),
    ).not.toContain(true);
  });
  it('points at the failed step when paused', () => {
    const failed = step('check.b', { status: 'failed' });
    const s = session({ run: { state: 'paused' } }, [step('check.a', { status: 'passed' }), failed]);
    expect(focusStep(s)).toBe(failed);
  });
});

describe('reasonProblem', () => {
  it('wants 5 to 500 characters without control characters', () => {
    expect(reasonProblem('  ab  ')).toBe('tooShort');
    expect(reasonProblem('abcd')).toBe('tooShort');
    expect(reasonProblem('abcde')).toBeNull();
    expect(reasonProblem('x'.repeat(501))).toBe('tooLong');
    expect(reasonProblem('ciao\u0007mondo')).toBe('badChars');
    expect(reasonProblem('due\nrighe')).toBe('badChars');
    expect(reasonProblem('abc\u202edef')).toBe('badChars');
  });
});

describe('describeVersionText', () => {
  it('reads the build date from the name, in the language', () => {
    expect(describeVersionText('7.8.5.13100517_x64', 'it')).toBe('7.8.5, build 5 ottobre 2013 ore 17');
    expect(describeVersionText('7.8.5.13100517_x64', 'en')).toBe('7.8.5, build 5 October 2013 at 17:00');
    expect(describeVersionText('7.8.5', 'it')).toBe('7.8.5');
  });
});
