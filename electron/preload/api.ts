import {
  CALL_NAMES,
  EVENT_NAMES,
  callChannel,
  eventChannel,
  type CallName,
  type EventName,
  type EventPayload,
  type UpgraderApi,
} from '../shared/contract';

/** ipcRenderer.invoke, as the preload wires it. */
export type Invoke = (channel: string, args: unknown[]) => Promise<unknown>;
/** ipcRenderer.on + removeListener, handing over the payload only (never the IPC event). */
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * The object the renderer sees as window.upgrader: one intent-level function per contract
 * call plus `on`. Channel names stay in here; the renderer can neither name a channel nor
 * reach ipcRenderer (security checklist #20). main validates everything again anyway.
 */
export function buildUpgraderApi(invoke: Invoke, subscribe: Subscribe): UpgraderApi {
  const calls: Partial<Record<CallName, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of CALL_NAMES) {
    const channel = callChannel(name);
    calls[name] = (...args: unknown[]) => invoke(channel, args);
  }

  const known = new Set<string>(EVENT_NAMES);
  function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    // The renderer is untrusted JavaScript: its types are no guarantee at runtime.
    if (typeof event !== 'string' || !known.has(event)) {
      throw new Error(`upgrader.on: unknown event "${String(event)}"`);
    }
    if (typeof listener !== 'function') throw new Error('upgrader.on: the listener must be a function');
    // main validated the payload against contract.events[event] before sending it.
    return subscribe(eventChannel(event), (payload) => listener(payload as EventPayload<E>));
  }

  // Built by iterating CALL_NAMES, so TS cannot see that every key is present with its own
  // signature; the contract test checks the keys, main checks arguments and results.
  const api = { ...calls, on } as unknown as UpgraderApi;
  return Object.freeze(api);
}
