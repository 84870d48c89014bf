import type { Message } from '../shared/message';

/** What a host says while it works (PowerShell's start-up, SQL's connection attempts): for the run's log. */
export type HostLogFn = (level: 'info' | 'warn' | 'error', message: Message, detail?: string) => void;

/**
 * The host is opened before the session that logs for it, and it speaks during the session's
 * own opening (discovery): what it says is held until the session attaches, then passed on in order.
 */
export function heldHostLog(limit = 500): { log: HostLogFn; attach(sink: HostLogFn): void } {
  const held: Parameters<HostLogFn>[] = [];
  let sink: HostLogFn | null = null;
  return {
    log(level, message, detail) {
      if (sink) sink(level, message, detail);
      else if (held.length < limit) held.push([level, message, detail]);
    },
    attach(to) {
      sink = to;
      for (const entry of held.splice(0)) to(...entry);
    },
  };
}
