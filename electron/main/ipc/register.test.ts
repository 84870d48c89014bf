import type { FarmStatus } from '../../shared/farm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CALL_NAMES,
  callChannel,
  eventChannel,
  type CallHandlers,
  type EventName,
  type EventPayload,
} from '../../shared/contract';
import type { Session } from '../../shared/plan';
import type { SessionListener } from '../../core/session';
import {
  IpcRefusedError,
  appWindowSender,
  forwardEvents,
  registerHandlers,
  type InvokeEventLike,
  type InvokeListener,
  type IpcMainLike,
} from './register';

/** A stand-in for ipcMain that keeps the handlers so tests can invoke them like a renderer. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (listener === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return listener(event, ...args);
  }
}

const session: Session = {
  mode: 'practice',
  server: { hostname: 'CRM-PROVA', installedVersion: '2024.1', installPath: 'C:\\inetpub\\crm' },
  kit: { versionName: '2025.1', practiceKey: true },
  run: {
    id: 'run-1',
    state: 'ready',
    resumed: false,
    actions: ['start'],
    rollbackBegun: false,
    usersRecheckMs: 5000,
    stopping: false,
  },
  steps: [],
  releaseNotes: [],
};

const appContents = { id: 1 };
const otherContents = { id: 2 };
const mainFrame = { url: 'app://upgrader/index.html', parent: null };
const goodEvent: InvokeEventLike = { sender: appContents, senderFrame: mainFrame };

const farm: FarmStatus = {
  kitVersion: '7.8.5.13100517_x64',
  fromVersion: null,
  servers: [],
  connections: [],
  next: { server: null, message: { key: 'farm.next.done', params: { version: '7.8.5.13100517_x64' } } },
  complete: false,
  rollback: false,
  problems: [],
  at: '2026-11-27T00:00:00.000Z',
};

function makeHandlers() {
  const ack = () => Promise.resolve({ ok: true as const });
  return {
    getSession: vi.fn(() => Promise.resolve(session)),
    startRun: vi.fn(ack),
    confirmStep: vi.fn(ack),
    skipStep: vi.fn(ack),
    retryStep: vi.fn(ack),
    rollback: vi.fn(ack),
    waitForUsers: vi.fn(ack),
    stopWaitingForUsers: vi.fn(ack),
    practiceLogOffUsers: vi.fn(ack),
    practicePressAggiornaDatabase: vi.fn(ack),
    provideSqlCredentials: vi.fn(ack),
    correctInstallPath: vi.fn(ack),
    getFarmStatus: vi.fn(() => Promise.resolve(farm)),
    setFarmServers: vi.fn(ack),
  } satisfies CallHandlers;
}

let ipc: FakeIpcMain;
let handlers: ReturnType<typeof makeHandlers>;
let refusals: string[];
let dispose: () => void;

beforeEach(() => {
  ipc = new FakeIpcMain();
  handlers = makeHandlers();
  refusals = [];
  dispose = registerHandlers(
    ipc,
    handlers,
    appWindowSender(() => appContents),
    { onRefused: (call, reason) => refusals.push(`${call}: ${reason}`) },
  );
});

describe('registerHandlers', () => {
  it('registers exactly one handler per contract call and removes them all on dispose', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes a good call to the handler and returns its result', async () => {
    await expect(
      ipc.invoke(callChannel('skipStep'), goodEvent, 'check.disk-space', 'Disco verificato a mano'),
    ).resolves.toEqual({ ok: true });
    expect(handlers.skipStep).toHaveBeenCalledExactlyOnceWith('check.disk-space', 'Disco verificato a mano');

    await expect(ipc.invoke(callChannel('getSession'), goodEvent)).resolves.toEqual(session);
    expect(handlers.getSession).toHaveBeenCalledOnce();
  });

  it('hands the handler the parsed arguments (trimmed reason)', async () => {
    await ipc.invoke(callChannel('skipStep'), goodEvent, 'backup.files', '   a good reason   ');
    expect(handlers.skipStep).toHaveBeenCalledWith('backup.files', 'a good reason');
  });

  it('returns the parsed result, so fields outside the contract never reach the renderer', async () => {
    handlers.getSession.mockResolvedValueOnce({ ...session, secret: 'sa password' } as Session);
    const result = await ipc.invoke(callChannel('getSession'), goodEvent);
    expect(result).toEqual(session);
    expect(result).not.toHaveProperty('secret');
  });

  describe('refuses a call from anyone but the app window main frame', () => {
    const foreign: Record<string, InvokeEventLike> = {
      'another webContents': { sender: otherContents, senderFrame: mainFrame },
      'a sub-frame': {
        sender: appContents,
        senderFrame: { url: 'app://upgrader/frame.html', parent: mainFrame },
      },
      'a file:// page': {
        sender: appContents,
        senderFrame: { url: 'file:///C:/Windows/evil.html', parent: null },
      },
      'an https page': { sender: appContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      'another app:// host': {
        sender: appContents,
        senderFrame: { url: 'app://evil/index.html', parent: null },
      },
      'a look-alike host': {
        sender: appContents,
        senderFrame: { url: 'app://upgrader.evil/index.html', parent: null },
      },
      'a credentialed URL': {
        sender: appContents,
        senderFrame: { url: 'app://x@upgrader/index.html', parent: null },
      },
      'about:blank': { sender: appContents, senderFrame: { url: 'about:blank', parent: null } },
      'a destroyed frame': { sender: appContents, senderFrame: null },
    };

    for (const [what, event] of Object.entries(foreign)) {
      it(what, async () => {
        await expect(ipc.invoke(callChannel('startRun'), event)).rejects.toThrow(
          new IpcRefusedError('startRun', 'untrusted sender'),
        );
        await expect(ipc.invoke(callChannel('rollback'), event)).rejects.toBeInstanceOf(IpcRefusedError);
        expect(handlers.startRun).not.toHaveBeenCalled();
        expect(handlers.rollback).not.toHaveBeenCalled();
      });
    }

    it('any sender while the window does not exist yet', async () => {
      const early = new FakeIpcMain();
      const earlyHandlers = makeHandlers();
      registerHandlers(
        early,
        earlyHandlers,
        appWindowSender(() => null),
      );
      await expect(early.invoke(callChannel('startRun'), goodEvent)).rejects.toBeInstanceOf(IpcRefusedError);
      expect(earlyHandlers.startRun).not.toHaveBeenCalled();
    });
  });

  describe('refuses bad arguments without calling the handler', () => {
    const bad: Record<string, [string, unknown[]]> = {
      'a number for a step id': ['confirmStep', [42]],
      'an object for a step id': ['retryStep', [{ toString: () => 'backup' }]],
      'a step id outside the pattern': ['confirmStep', ['../../etc/passwd']],
      'a missing argument': ['skipStep', ['check.disk-space']],
      'an extra argument': ['confirmStep', ['check.disk-space', 'more']],
      'an argument where none is expected': ['startRun', ['C:\\Windows\\System32\\cmd.exe']],
      'a too-short skip reason': ['skipStep', ['check.disk-space', 'ok']],
      'a blank skip reason': ['skipStep', ['check.disk-space', '        ']],
      'a skip reason with control characters': ['skipStep', ['check.disk-space', 'fine\u0007 really']],
      'a skip reason that forges a log line (CR/LF)': [
        'skipStep',
        ['check.disk-space', 'ok a mano\r\n2026-11-24T22:00:00Z INFO engine.rollback-done'],
      ],
      'a skip reason ending in a line feed': ['skipStep', ['check.disk-space', 'verificato a mano\n']],
      'a skip reason with a TAB': ['skipStep', ['check.disk-space', 'verificato\ta mano']],
      'a skip reason with DEL': ['skipStep', ['check.disk-space', 'verificato\u007f a mano']],
      'a skip reason with a C1 control (NEL)': ['skipStep', ['check.disk-space', 'verificato\u0085 a mano']],
      'a skip reason with a C1 control (CSI)': [
        'skipStep',
        ['check.disk-space', 'verificato\u009b2J a mano'],
      ],
      'a skip reason with a bidi override': ['skipStep', ['check.disk-space', 'backup \u202eotaicsalrev']],
      'a skip reason with a bidi isolate': [
        'skipStep',
        ['check.disk-space', 'backup \u2066fatto\u2069 ieri'],
      ],
      'a skip reason with a direction mark': ['skipStep', ['check.disk-space', 'backup fatto\u200f ieri']],
      'a skip reason with the Arabic letter mark': ['skipStep', ['check.disk-space', 'backup\u061c fatto']],
      'a password with CR/LF': [
        'provideSqlCredentials',
        ['Produzione', { kind: 'sql', user: 'sa', password: 'Segreta\r\n!1' }],
      ],
      'a user name with a bidi override': [
        'provideSqlCredentials',
        ['Produzione', { kind: 'sql', user: 'admin\u202enimda', password: 'Segreta!1' }],
      ],
      'a domain with a C1 control': [
        'provideSqlCredentials',
        ['Produzione', { kind: 'ntlm', domain: 'AZIENDA\u0085', user: 'u', password: 'Segreta!1' }],
      ],
      'a certificate exception that is not a boolean': [
        'provideSqlCredentials',
        ['Produzione', { kind: 'sql', user: 'sa', password: 'p', allowUnvalidatedCertificate: 'yes' }],
      ],
      'a connection id with a quote': ['practicePressAggiornaDatabase', ["main'; DROP TABLE x; --"]],
    };

    for (const [what, [call, args]] of Object.entries(bad)) {
      it(what, async () => {
        const channel = callChannel(call as (typeof CALL_NAMES)[number]);
        const error = await ipc.invoke(channel, goodEvent, ...args).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(IpcRefusedError);
        expect((error as Error).message).toBe(`IPC call "${call}" refused: invalid arguments`);
        for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
      });
    }

    it('names the call but never echoes the values, not even in the log', async () => {
      const secret = 'Password=Hunter2; DROP';
      const error = await ipc.invoke(callChannel('confirmStep'), goodEvent, secret).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain('confirmStep');
      expect(error?.message).not.toContain('Hunter2');
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatch(/^confirmStep: invalid arguments: 0 custom/);
      expect(refusals[0]).not.toContain('Hunter2');
    });
  });

  describe('refuses a handler result that breaks the contract', () => {
    it('an ack of the wrong shape', async () => {
      handlers.startRun.mockResolvedValueOnce({ ok: 'yes' } as never);
      await expect(ipc.invoke(callChannel('startRun'), goodEvent)).rejects.toThrow(
        'IPC call "startRun" refused: result does not match the contract',
      );
      expect(handlers.startRun).toHaveBeenCalledOnce();
    });

    it('a session missing its fields', async () => {
      handlers.getSession.mockResolvedValueOnce({ mode: 'practice' } as Session);
      await expect(ipc.invoke(callChannel('getSession'), goodEvent)).rejects.toBeInstanceOf(IpcRefusedError);
    });
  });

  it('lets a handler failure reach the renderer as a rejection', async () => {
    handlers.rollback.mockRejectedValueOnce(new Error('journal unreadable'));
    await expect(ipc.invoke(callChannel('rollback'), goodEvent)).rejects.toThrow('journal unreadable');
  });
});

describe('forwardEvents', () => {
  function fakeSession() {
    let listener: SessionListener | null = null;
    const unsubscribe = vi.fn(() => {
      listener = null;
    });
    return {
      subscribe: (l: SessionListener) => {
        listener = l;
        return unsubscribe;
      },
      emit<E extends EventName>(event: E, payload: EventPayload<E>) {
        listener?.(event, payload);
      },
      unsubscribe,
    };
  }

  it('sends valid payloads on the event channel, refuses invalid ones, stops on unsubscribe', () => {
    const source = fakeSession();
    const target = { destroyed: false, sent: [] as [string, unknown][] };
    const invalid: string[] = [];
    const stop = forwardEvents(
      source.subscribe,
      {
        send: (channel, payload) => target.sent.push([channel, payload]),
        isDestroyed: () => target.destroyed,
      },
      { onInvalid: (event, detail) => invalid.push(`${event}: ${detail}`) },
    );

    const progress = { stepId: 'backup.files' as const, percent: 40, elapsedMs: 1200 };
    source.emit('progress', progress);
    source.emit('session', session);
    expect(target.sent).toEqual([
      [eventChannel('progress'), progress],
      [eventChannel('session'), session],
    ]);

    source.emit('progress', { stepId: 'backup.files' as const, percent: 140, elapsedMs: 1 });
    source.emit('log', { level: 'info' } as EventPayload<'log'>);
    source.emit('bogus' as EventName, session);
    expect(target.sent).toHaveLength(2);
    expect(invalid).toHaveLength(3);
    expect(invalid[2]).toBe('bogus: unknown event');

    target.destroyed = true;
    source.emit('progress', progress);
    expect(target.sent).toHaveLength(2);

    stop();
    expect(source.unsubscribe).toHaveBeenCalledOnce();
  });
});
