import { describe, expect, it } from 'vitest';
import { session, step } from '../testing/fixtures';
import {
  baseIdOf,
  connectionOf,
  focusStep,
  isConnectedUsersCheck,
  reasonProblem,
  runActions,
  stepActions,
} from './steps';
import { describeVersionText } from './version';

describe('step ids', () => {
  it('split the connection off', () => {
    expect(connectionOf('after.db-update:crm_main')).toBe('crm_main');
    expect(connectionOf('after.db-update')).toBeNull();
    expect(baseIdOf('after.db-update:crm_main')).toBe('after.db-update');
  });
  it('recognise the connected-users check', () => {
    expect(isConnectedUsersCheck(step('check.connected-users'))).toBe(true);
    expect(isConnectedUsersCheck(step('check.users:main'))).toBe(true);
    expect(isConnectedUsersCheck(step('check.elevation'))).toBe(false);
    expect(isConnectedUsersCheck(step('check.connected-users', { kind: 'action' }))).toBe(false);
  });
});

describe('stepActions', () => {
  const failedCheck = step('check.connected-users', { status: 'failed', skippable: true });
  const dbUpdate = step('after.db-update:crm_main', { phase: 'after', kind: 'manual', status: 'waiting' });
  const optional = step('after.add-all-functions', {
    phase: 'after',
    kind: 'manual',
    status: 'waiting',
    optional: true,
    skippable: true,
  });

  it('offers retry and skip on a failed skippable step, and log-off in practice mode', () => {
    const s = session({ run: { id: 'r', state: 'paused', resumed: false } }, [failedCheck]);
    expect(stepActions(s, failedCheck)).toEqual({
      retry: true,
      skip: true,
      confirm: false,
      practiceLogOffUsers: true,
      practiceAggiornaDatabase: null,
    });
    expect(stepActions({ ...s, mode: 'windows' }, failedCheck).practiceLogOffUsers).toBe(false);
  });

  it('offers no skip on a failed step that may not be skipped', () => {
    const s = session({}, []);
    expect(stepActions(s, step('upgrade.setup', { kind: 'action', status: 'failed' })).skip).toBe(false);
  });

  it('offers confirm, and the practice "Aggiorna Database" with the connection, on a waiting db-update', () => {
    const s = session({ run: { id: 'r', state: 'waiting', resumed: false } }, [dbUpdate]);
    expect(stepActions(s, dbUpdate)).toMatchObject({
      confirm: true,
      skip: false,
      practiceAggiornaDatabase: 'crm_main',
    });
    expect(stepActions({ ...s, mode: 'windows' }, dbUpdate).practiceAggiornaDatabase).toBeNull();
  });

  it('offers skip on a waiting optional step', () => {
    const s = session({}, [optional]);
    expect(stepActions(s, optional)).toMatchObject({ confirm: true, skip: true });
  });

  it('offers nothing while rolling back', () => {
    const s = session({ run: { id: 'r', state: 'rolling-back', resumed: false } }, [failedCheck]);
    expect(stepActions(s, failedCheck)).toMatchObject({
      retry: false,
      skip: false,
      practiceLogOffUsers: false,
    });
  });
});

describe('runActions and focusStep', () => {
  it('start when ready, continue when paused after a resume, rollback when allowed', () => {
    expect(runActions(session({ run: { id: 'r', state: 'ready', resumed: false } }))).toEqual({
      start: true,
      continue: false,
      rollback: false,
    });
    expect(
      runActions(session({ run: { id: 'r', state: 'paused', resumed: true }, canRollback: true })),
    ).toEqual({
      start: false,
      continue: true,
      rollback: true,
    });
    expect(runActions(session({ run: { id: 'r', state: 'paused', resumed: false } })).continue).toBe(false);
  });
  it('points at the failed step when paused', () => {
    const failed = step('check.b', { status: 'failed' });
    const s = session({ run: { id: 'r', state: 'paused', resumed: false } }, [
      step('check.a', { status: 'passed' }),
      failed,
    ]);
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
  });
});

describe('describeVersionText', () => {
  it('reads the build date from the name, in the language', () => {
    expect(describeVersionText('7.8.5.13100517_x64', 'it')).toBe('7.8.5, build 5 ottobre 2013 ore 17');
    expect(describeVersionText('7.8.5.13100517_x64', 'en')).toBe('7.8.5, build 5 October 2013 at 17:00');
    expect(describeVersionText('7.8.5', 'it')).toBe('7.8.5');
  });
});
