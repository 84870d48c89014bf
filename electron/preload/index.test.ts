import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, callChannel, eventChannel } from '../shared/contract';

// The sandboxed preload only ever sees these two electron modules; both are faked here.
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true })),
    on: vi.fn(),
    removeListener: vi.fn(),
    send: vi.fn(),
  },
}));
vi.mock('electron', () => electron);

type Exposed = Record<string, (...args: unknown[]) => unknown>;

async function loadPreload(): Promise<Exposed> {
  vi.resetModules();
  await import('./index');
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
  const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] ?? [];
  expect(key).toBe('upgrader');
  return api as Exposed;
}

describe('preload index', () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it('exposes the contract API once as window.upgrader, and never ipcRenderer', async () => {
    const api = await loadPreload();
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'on'].sort());
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
    expect(Object.values(api)).not.toContain(electron.ipcRenderer.invoke);
  });

  it('turns a call into ipcRenderer.invoke on the call channel, spreading the arguments', async () => {
    const api = await loadPreload();
    await expect(api.confirmStep?.('manual.aggiorna-db')).resolves.toEqual({ ok: true });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(
      callChannel('confirmStep'),
      'manual.aggiorna-db',
    );
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
  });

  it('passes only the payload to a listener, never the IPC event, and removes that same listener', async () => {
    const api = await loadPreload();
    const listener = vi.fn();
    const off = api.on?.('log', listener) as () => void;

    expect(electron.ipcRenderer.on).toHaveBeenCalledOnce();
    const [channel, forward] = electron.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(channel).toBe(eventChannel('log'));

    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0 };
    const entry = { at: '2025-01-01T00:00:00Z', level: 'info', message: { key: 'x' } };
    forward(ipcEvent, entry);
    expect(listener).toHaveBeenCalledExactlyOnceWith(entry);

    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledExactlyOnceWith(eventChannel('log'), forward);
  });
});
