import type { UpgraderApi } from '../../../electron/shared/contract';

/**
 * THE one module through which the renderer reaches the engine. The preload exposes the
 * contract's intent-level functions as `window.upgrader`; nothing else in the renderer reads it.
 */
declare global {
  interface Window {
    upgrader?: UpgraderApi;
  }
}

export type { UpgraderApi };

export class BridgeMissingError extends Error {
  constructor() {
    super(
      'window.upgrader is missing: the renderer was loaded without the upgrade manager preload ' +
        '(open it through the desktop app, or install a test bridge before the page loads).',
    );
    this.name = 'BridgeMissingError';
  }
}

export function getBridge(): UpgraderApi {
  const api = typeof window === 'undefined' ? undefined : window.upgrader;
  if (api === undefined || api === null || typeof api !== 'object') throw new BridgeMissingError();
  return api;
}
