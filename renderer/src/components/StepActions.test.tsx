import { describe, expect, it } from 'vitest';
import type { Session } from '../../../electron/shared/plan';
import { createUpgradeStore } from '../store';
import { FakeBridge, session, step } from '../testing/fixtures';
import { byTestId, press, renderCapturing } from '../testing/render';
import { StepActions } from './StepActions';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(s: Session) {
  const bridge = new FakeBridge(s);
  const store = createUpgradeStore(bridge, { session: s, load: false });
  return { bridge, store };
}

const intents = (bridge: FakeBridge) => bridge.calls.filter((c) => c.name !== 'getSession');

describe('StepActions', () => {
  it('presses "Aggiorna Database" on the connection the step names', async () => {
    const s = session({ run: { state: 'waiting' } }, [
      step('x.db', {
        phase: 'after',
        kind: 'manual',
        status: 'waiting',
        connection: 'Formazione',
        actions: ['confirm', 'practice-aggiorna-database'],
      }),
    ]);
    const { bridge, store } = setup(s);
    const { tree } = renderCapturing(StepActions, { step: s.steps[0]! }, store);
    expect(byTestId(tree, 'practice-aggiorna-database')['data-connection-id']).toBe('Formazione');
    press(tree, 'practice-aggiorna-database');
    await flush();
    press(tree, 'confirm-step');
    await flush();
    expect(intents(bridge)).toEqual([
      { name: 'practicePressAggiornaDatabase', args: ['Formazione'] },
      { name: 'confirmStep', args: ['x.db'] },
    ]);
  });

  it('logs the practice users off and retries from the buttons the step offers', async () => {
    const s = session({ run: { state: 'paused' } }, [
      step('x.users', { status: 'failed', skippable: true, actions: ['retry', 'practice-log-off-users'] }),
    ]);
    const { bridge, store } = setup(s);
    const { tree } = renderCapturing(StepActions, { step: s.steps[0]! }, store);
    press(tree, 'practice-log-off-users');
    await flush();
    press(tree, 'retry-step');
    await flush();
    expect(intents(bridge)).toEqual([
      { name: 'practiceLogOffUsers', args: [] },
      { name: 'retryStep', args: ['x.users'] },
    ]);
  });
});
