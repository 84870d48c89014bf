import {
  CALL_NAMES,
  EVENT_NAMES,
  callChannel,
  contract,
  eventChannel,
  type CallArgs,
  type CallHandlers,
  type CallName,
  type EventName,
} from '../../shared/contract';
import type { AppSession } from '../../core/session';
import { isAppUrl } from '../protocol';

/**
 * The only door from the renderer into main. main runs as Administrator, so every call is
 * checked in this order (security checklist #17): who sent it, what it carries, what goes back.
 * Electron objects are taken as parameters and described structurally, so that tests can
 * forge events without Electron; Electron's own IpcMain and WebContents satisfy these types.
 */

/** The part of a sender frame the guard reads (Electron's WebFrameMain). */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** The part of an invoke event the guard reads (Electron's IpcMainInvokeEvent). */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: SenderFrameLike | null;
}

export type InvokeListener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** The part of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's WebContents that events are sent through. */
export interface EventTargetLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

export type SenderCheck = (event: InvokeEventLike) => boolean;

export interface RegisterOptions {
  /** Told about every refused call, with technical detail for the log (never sent back). */
  onRefused?: (call: CallName, reason: string) => void;
}

/** Thrown back to the renderer; the message names the call and the rule, never the values. */
export class IpcRefusedError extends Error {
  constructor(call: CallName, rule: string) {
    super(`IPC call "${call}" refused: ${rule}`);
    this.name = 'IpcRefusedError';
  }
}

/**
 * A sender check for the app window: the event must come from that window's webContents,
 * from its main frame (not an iframe), showing a page of our own app:// origin.
 * `expectedSender` is read on every call because the window is created after registration.
 */
export function appWindowSender(expectedSender: () => unknown): SenderCheck {
  return (event) => {
    const expected = expectedSender();
    if (expected === null || expected === undefined || event.sender !== expected) return false;
    const frame = event.senderFrame;
    if (frame === null || frame === undefined) return false; // navigated away or destroyed
    if (frame.parent !== null) return false;
    return isAppUrl(frame.url);
  };
}

/** Where a value failed, by path and zod issue code only: the values may be anything. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; code: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(all)'} ${issue.code}`)
    .join(', ');
}

/**
 * Registers one ipcMain handler per contract call. Returns a function that removes them all.
 */
export function registerHandlers(
  ipcMain: IpcMainLike,
  handlers: CallHandlers,
  isTrustedSender: SenderCheck,
  options: RegisterOptions = {},
): () => void {
  const refused = (call: CallName, rule: string, detail: string): IpcRefusedError => {
    options.onRefused?.(call, detail === '' ? rule : `${rule}: ${detail}`);
    return new IpcRefusedError(call, rule);
  };

  function register<C extends CallName>(name: C): void {
    const schemas = contract.calls[name];
    const handler = handlers[name];
    ipcMain.handle(callChannel(name), async (event, ...args) => {
      if (!isTrustedSender(event)) throw refused(name, 'untrusted sender', '');
      const parsedArgs = schemas.args.safeParse(args);
      if (!parsedArgs.success) {
        throw refused(name, 'invalid arguments', describeIssues(parsedArgs.error.issues));
      }
      // zod has just proven the tuple; TS cannot relate the parse output of the generic schema
      // to the handler's parameter list, hence the single cast.
      const result: unknown = await handler(...(parsedArgs.data as CallArgs<C>));
      const parsedResult = schemas.result.safeParse(result);
      if (!parsedResult.success) {
        throw refused(name, 'result does not match the contract', describeIssues(parsedResult.error.issues));
      }
      return parsedResult.data;
    });
  }

  for (const name of CALL_NAMES) register(name);
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}

export interface ForwardOptions {
  /** Told about an event the engine emitted that does not match the contract (not sent). */
  onInvalid?: (event: string, detail: string) => void;
}

/**
 * Sends the session's events to the renderer, each on its own channel, after checking the
 * payload against the contract so the renderer only ever sees what its types promise.
 * Returns the unsubscribe function.
 */
export function forwardEvents(
  subscribe: AppSession['subscribe'],
  webContents: EventTargetLike,
  options: ForwardOptions = {},
): () => void {
  const known = new Set<string>(EVENT_NAMES);
  return subscribe((event, payload) => {
    if (webContents.isDestroyed()) return;
    if (!known.has(event)) {
      options.onInvalid?.(String(event), 'unknown event');
      return;
    }
    const name: EventName = event;
    const parsed = contract.events[name].safeParse(payload);
    if (!parsed.success) {
      options.onInvalid?.(name, describeIssues(parsed.error.issues));
      return;
    }
    webContents.send(eventChannel(name), parsed.data);
  });
}
