import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, callChannel, eventChannel, type EventName } from '../shared/contract';
import { buildUpgraderApi, type Invoke, type Subscribe } from './api';

describe('buildUpgraderApi', () => {
  const invoke = vi.fn<Invoke>(() => Promise.resolve({ ok: true }));
  const unsubscribe = vi.fn();
  const subscribe = vi.fn<Subscribe>(() => unsubscribe);

  beforeEach(() => {
    invoke.mockClear();
    subscribe.mockClear();
    unsubscribe.mockClear();
  });

  it('exposes exactly the contract calls plus on, and nothing that names a channel', () => {
    const api = buildUpgraderApi(invoke, subscribe);
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'on'].sort());
    for (const key of ['invoke', 'send', 'sendSync', 'ipcRenderer', 'channel', 'channels']) {
      expect(api).not.toHaveProperty(key);
    }
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(JSON.stringify(Object.getOwnPropertyNames(api))).not.toContain('upgrader:');
  });

  it('is frozen', () => {
    const api = buildUpgraderApi(invoke, subscribe);
    expect(Object.isFrozen(api)).toBe(true);
    expect(() => {
      (api as unknown as Record<string, unknown>).startRun = () => Promise.resolve({ ok: true });
    }).toThrow(TypeError);
  });

  it('sends each call on its own channel with its arguments, and returns the answer', async () => {
    const api = buildUpgraderApi(invoke, subscribe);
    await expect(api.skipStep('check.disk', 'verificato a mano')).resolves.toEqual({ ok: true });
    expect(invoke).toHaveBeenLastCalledWith(callChannel('skipStep'), ['check.disk', 'verificato a mano']);
    await api.getSession();
    expect(invoke).toHaveBeenLastCalledWith(callChannel('getSession'), []);
    expect(invoke).toHaveBeenCalledTimes(2);
  });

  it('subscribes to a known event, hands over the payload and returns the unsubscribe', () => {
    const api = buildUpgraderApi(invoke, subscribe);
    const listener = vi.fn();
    const off = api.on('progress', listener);
    expect(subscribe).toHaveBeenCalledExactlyOnceWith(eventChannel('progress'), expect.any(Function));

    const forward = subscribe.mock.calls[0]?.[1];
    const payload = { stepId: 'backup.files', percent: 10, elapsedMs: 5 };
    forward?.(payload);
    expect(listener).toHaveBeenCalledExactlyOnceWith(payload);

    off();
    expect(unsubscribe).toHaveBeenCalledOnce();
  });

  it('accepts every contract event', () => {
    const api = buildUpgraderApi(invoke, subscribe);
    for (const event of EVENT_NAMES) api.on(event, () => undefined);
    expect(subscribe.mock.calls.map(([channel]) => channel)).toEqual(EVENT_NAMES.map(eventChannel));
  });

  it.each(['bogus', 'upgrader:event:progress', '__proto__', 'toString'])(
    'refuses the unknown event %j',
    (event) => {
      const api = buildUpgraderApi(invoke, subscribe);
      expect(() => api.on(event as EventName, () => undefined)).toThrow(/unknown event/);
      expect(subscribe).not.toHaveBeenCalled();
    },
  );

  it('refuses a listener that is not a function', () => {
    const api = buildUpgraderApi(invoke, subscribe);
    expect(() => api.on('log', 'alert(1)' as unknown as () => void)).toThrow(/listener/);
    expect(subscribe).not.toHaveBeenCalled();
  });
});
