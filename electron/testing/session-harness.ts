/** Test support only (never imported by the app): the teardown and the wait that session tests share. */
import { afterEach } from 'vitest';
import type { Session } from '../shared/plan';
import type { AppSession } from '../core/session';
import type { PracticeFixture } from './practice-fixture';

/**
 * Registers the afterEach that closes the session and disposes the practice fixture `current`
 * names, in the order given: a session before the server it runs on. A test that opens none still
 * finds the last test's in the file's `let`s; each is closed once only.
 */
export function closeAfterEach(
  current: () => readonly (AppSession | Pick<PracticeFixture, 'dispose'> | undefined)[],
): void {
  const closed = new WeakSet<AppSession | Pick<PracticeFixture, 'dispose'>>();
  afterEach(async () => {
    for (const open of current()) {
      if (!open || closed.has(open)) continue;
      closed.add(open);
      await ('close' in open ? open.close() : open.dispose());
    }
  });
}

/**
 * The session as the window would show it once no work is under way; with `waitForUsers`, once
 * the engine is not waiting for users to log off either.
 */
export async function settle(s: AppSession, { waitForUsers = false } = {}): Promise<Session> {
  await (waitForUsers ? s.settled() : s.idle());
  return s.handlers.getSession();
}
