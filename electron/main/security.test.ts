import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { denyAllPermissions } from './security';

type Listener = (event: { preventDefault(): void }, ...rest: unknown[]) => void;

/** The part of Electron's Session that the hardening touches, recording what it was given. */
function fakeSession() {
  const listeners = new Map<string, Listener[]>();
  const fake = {
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    setDevicePermissionHandler: () => undefined,
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return fake;
    },
  };
  /** Emits `event` as Electron would, and tells whether some listener cancelled it. */
  const emit = (event: string): boolean => {
    let cancelled = false;
    const e = { preventDefault: () => void (cancelled = true) };
    for (const listener of listeners.get(event) ?? []) listener(e, { getURL: () => 'https://x/evil.exe' });
    return cancelled;
  };
  return { session: fake as unknown as Session, emit };
}

describe('the window session', () => {
  it('cancels every download a page starts', () => {
    const { session, emit } = fakeSession();
    denyAllPermissions(session);
    expect(emit('will-download')).toBe(true);
    expect(emit('will-download')).toBe(true);
  });
});
