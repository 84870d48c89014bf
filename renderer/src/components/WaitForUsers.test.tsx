import { describe, expect, it } from 'vitest';
import type { Session } from '../../../electron/shared/plan';
import { createUpgradeStore } from '../store';
import { FakeBridge, session, step } from '../testing/fixtures';
import { byTestId, press, renderCapturing } from '../testing/render';
import { WaitForUsers } from './WaitForUsers';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A stand-in id: the component must go by the step's actions, not by which step it is. */
const users = step('x.users', { status: 'failed', skippable: true });

function setup(s: Session) {
  const bridge = new FakeBridge(s);
  const store = createUpgradeStore(bridge, { session: s, load: false });
  return { bridge, store };
}

const intents = (bridge: FakeBridge) => bridge.calls.filter((c) => c.name !== 'getSession');

describe('WaitForUsers', () => {
  it("asks the engine to wait when the step offers 'wait-for-users'", async () => {
    const s = session({ run: { state: 'paused', usersRecheckMs: 5_000 } }, [
      { ...users, actions: ['retry', 'skip', 'wait-for-users'] },
    ]);
    const { bridge, store } = setup(s);
    const { html, tree } = renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store);

    expect(html).toContain('Attendi che escano (ricontrolla ogni 5 s)');
    expect(byTestId(tree, 'wait-for-users')['aria-pressed']).toBe(false);
    expect(html).not.toContain('users-last-checked');

    press(tree, 'wait-for-users');
    await flush();
    expect(intents(bridge)).toEqual([{ name: 'waitForUsers', args: ['x.users'] }]);
  });

  it("stops waiting when the step offers 'stop-waiting', and shows the engine's last check", async () => {
    // 17:04:09 on this machine's clock, whatever its time zone.
    const lastCheckedAt = new Date(2026, 10, 27, 17, 4, 9).toISOString();
    const s = session(
      {
        run: {
          state: 'paused',
          usersRecheckMs: 200,
          waitingForUsers: { stepId: users.id, since: lastCheckedAt, lastCheckedAt },
        },
      },
      [{ ...users, actions: ['stop-waiting', 'practice-log-off-users'] }],
    );
    const { bridge, store } = setup(s);
    const { html, tree } = renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store);

    expect(byTestId(tree, 'wait-for-users')['aria-pressed']).toBe(true);
    expect(html).toContain('Smetti di attendere');
    // In the UI's language, not the machine's locale ("5:04:09 PM").
    expect(html).toMatch(/data-testid="users-last-checked"[^>]*>ultimo controllo alle 17:04:09</);
    const english = renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store, 'en');
    expect(english.html).toContain('last checked at 17:04:09');
    expect(english.html).toContain('Stop waiting');

    press(tree, 'wait-for-users');
    await flush();
    expect(intents(bridge)).toEqual([{ name: 'stopWaitingForUsers', args: ['x.users'] }]);
  });

  it('says how often the engine checks again, under a second too', () => {
    const s = session({ run: { state: 'paused', usersRecheckMs: 200 } }, [
      { ...users, actions: ['wait-for-users'] },
    ]);
    const { store } = setup(s);
    expect(renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store).html).toContain(
      'ricontrolla ogni 0,2 s',
    );
    expect(renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store, 'en').html).toContain(
      'checks again every 0.2 s',
    );
  });

  it('shows nothing when the step offers neither, even on a failed users check', () => {
    const s = session({ run: { state: 'paused' } }, [
      step('check.users', { status: 'failed', skippable: true, actions: ['retry', 'skip'] }),
    ]);
    const { store } = setup(s);
    expect(renderCapturing(WaitForUsers, { step: s.steps[0]!, session: s }, store).html).toBe('');
  });
});
