import type { Interface } from 'node:readline/promises';
import type { AppSession } from '../core/session';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ctrl-C, a kill, a closed terminal: the first asks the run to stop at the next safe point and
 * cancels any question on screen; a second exits at once (the step under way then shows as
 * interrupted next time). Nothing goes on unattended after the admin asked to stop.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private count = 0;
  private removers: (() => void)[] = [];

  constructor(
    private readonly session: AppSession,
    private readonly say: {
      stopping(): void;
      exitNow(): void;
    },
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  get requested(): boolean {
    return this.count > 0;
  }

  /** Aborts the question on screen when the admin asks to stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** What a signal, a Ctrl-C at a prompt or a closed terminal does. */
  readonly onInterrupt = (): void => {
    this.count++;
    if (this.count === 1) {
      this.say.stopping();
      this.session.requestStop();
      this.controller.abort();
    } else {
      this.say.exitNow();
      this.exit(130);
    }
  };

  install(rl: Interface | null): void {
    for (const signal of SIGNALS) {
      process.on(signal, this.onInterrupt);
      this.removers.push(() => process.off(signal, this.onInterrupt));
    }
    // At a prompt readline takes Ctrl-C itself; a terminal that goes away ends its input.
    rl?.on('SIGINT', this.onInterrupt);
    this.removers.push(() => rl?.off('SIGINT', this.onInterrupt));
    const closed = () => {
      if (!this.requested) this.onInterrupt();
    };
    rl?.on('close', closed);
    this.removers.push(() => rl?.off('close', closed));
  }

  uninstall(): void {
    for (const remove of this.removers.splice(0)) remove();
  }
}

/** A question that an interrupt cancels: null then, instead of an error and a stack trace. */
export async function ask(rl: Interface, text: string, signal: AbortSignal): Promise<string | null> {
  if (signal.aborted) return null;
  try {
    return await rl.question(text, { signal });
  } catch {
    return null;
  }
}
