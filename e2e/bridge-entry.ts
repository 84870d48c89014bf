/**
 * The e2e stand-in for electron/preload/index.ts, bundled by the harness (esbuild, IIFE) and
 * installed with page.addInitScript before any page script runs. It builds window.upgrader
 * with THE SAME buildUpgraderApi as the real preload; only the transport differs:
 *   invoke    → window.__upgraderInvoke(callName, args), a Playwright binding into the harness,
 *               which validates like main does (electron/main/ipc/register.ts) and runs the engine;
 *   subscribe → an in-page listener registry, fed by the harness through window.__upgraderEmit.
 */
import { buildUpgraderApi } from '../electron/preload/api';
import { CALL_NAMES, callChannel, type UpgraderApi } from '../electron/shared/contract';

declare global {
  interface Window {
    upgrader?: UpgraderApi;
    /** Installed by the harness with page.exposeBinding. */
    __upgraderInvoke?: (callName: string, args: unknown[]) => Promise<unknown>;
    /** Installed below; the harness calls it with page.evaluate for every engine event. */
    __upgraderEmit?: (channel: string, payload: unknown) => void;
  }
}

(() => {
  // The preload speaks in channels; the harness binding takes the call's name.
  const callByChannel = new Map<string, string>(CALL_NAMES.map((name) => [callChannel(name), name]));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const api = buildUpgraderApi(
    (channel, args) => {
      const name = callByChannel.get(channel);
      if (name === undefined) return Promise.reject(new Error(`unknown channel ${channel}`));
      const invoke = window.__upgraderInvoke;
      if (typeof invoke !== 'function')
        return Promise.reject(new Error('the e2e harness binding is missing'));
      return invoke(name, args);
    },
    (channel, listener) => {
      const set = listeners.get(channel) ?? new Set<(payload: unknown) => void>();
      listeners.set(channel, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  );

  function emit(channel: string, payload: unknown): void {
    const set = listeners.get(channel);
    if (!set) return;
    for (const listener of Array.from(set)) {
      try {
        listener(payload);
      } catch (error) {
        // Surfaces as a console error, which the tests assert never happens.
        console.error(`upgrader event listener for ${channel} threw`, error);
      }
    }
  }

  // Like contextBridge.exposeInMainWorld: a frozen object the page can neither replace nor extend.
  Object.defineProperty(window, 'upgrader', {
    value: api,
    writable: false,
    configurable: false,
    enumerable: true,
  });
  Object.defineProperty(window, '__upgraderEmit', {
    value: emit,
    writable: false,
    configurable: false,
    enumerable: false,
  });
})();
