import type { Session } from '../shared/plan';
import { type Choice, stepNeedingAdmin } from './prompt';

/**
 * What an unattended run does on a practice server, where the admin's hands are simulated:
 * `forward` goes on the way the demo does (users logged off, "Aggiorna Database" pressed, each
 * manual step confirmed, a step cut short by a crash retried); `rollback` only rolls back.
 * Null: nothing it may decide (a real failure): the run stops for a person.
 */
export function unattendedChoice(
  session: Session,
  goal: 'forward' | 'rollback',
  tried: Set<string>,
): Choice | null {
  if (goal === 'rollback')
    return session.run.actions.includes('rollback') ? { kind: 'run', action: 'rollback' } : null;
  if (session.run.rollbackBegun)
    return session.run.actions.includes('rollback') ? { kind: 'run', action: 'rollback' } : null;
  if (session.run.actions.includes('continue')) return { kind: 'run', action: 'continue' };
  const step = stepNeedingAdmin(session);
  if (!step) return null;
  const has = (a: string) => step.actions.some((x) => x === a);
  if (has('practice-log-off-users') && !tried.has(`logoff:${step.id}`)) {
    tried.add(`logoff:${step.id}`);
    return { kind: 'step', action: 'practice-log-off-users', step };
  }
  if (has('practice-aggiorna-database') && !tried.has(`pressed:${step.id}`)) {
    tried.add(`pressed:${step.id}`);
    return { kind: 'step', action: 'practice-aggiorna-database', step };
  }
  if (has('confirm')) {
    // Waiting for the farm (issue 15): checked again once; then the farm needs the admin elsewhere.
    if (step.finding?.key.startsWith('farm.')) {
      const key = `farm:${step.id}:${step.finding.key}`;
      if (tried.has(key)) return null;
      tried.add(key);
    }
    return { kind: 'step', action: 'confirm', step };
  }
  // A step cut short by a crash is run again; any other failure needs a person.
  const interrupted = step.finding?.key === 'engine.interrupted.finding';
  const key = `retry:${step.id}:${step.finding?.key ?? ''}`;
  if (has('retry') && (interrupted || !tried.has(key))) {
    tried.add(key);
    return { kind: 'step', action: 'retry', step };
  }
  return null;
}
