import type { Message } from '../../shared/message';
import type { StepId } from '../../shared/step-id';
import type { StepOutcome } from './context';

interface WaitingForUsers {
  stepId: StepId;
  since: string;
  lastCheckedAt?: string;
}

/** What the wait needs of the engine. */
export interface UsersWaitEngine {
  /** Whether the engine's work is under way (then the look waits for the next tick). */
  busy(): boolean;
  /** The check run once, with no journaled transition. */
  look(stepId: StepId): Promise<StepOutcome>;
  finding(stepId: StepId): Message | undefined;
  /** The check passed: it runs again for real, journaled, and the run goes on. */
  rerun(stepId: StepId): Promise<void>;
  /** Someone else connected or left: the new finding is journaled. */
  record(stepId: StepId, outcome: StepOutcome): Promise<void>;
  changed(): void;
}

/**
 * The wait for users to log off: the check runs again every few seconds, quietly, so that an
 * hour of waiting is not thousands of failures. Only a pass, or a different finding, becomes a
 * transition; the actions on offer stay the same throughout.
 */
export class UsersWait {
  private current: WaitingForUsers | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: UsersWaitEngine,
    readonly everyMs: number,
  ) {}

  get state(): WaitingForUsers | null {
    return this.current;
  }

  start(stepId: StepId): void {
    this.current = { stepId, since: new Date().toISOString() };
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.recheck();
    }, this.everyMs);
  }

  private async recheck(): Promise<void> {
    const waiting = this.current;
    if (!waiting) return;
    if (this.engine.busy()) return this.schedule();
    const outcome = await this.engine.look(waiting.stepId);
    if (this.current !== waiting) return;
    waiting.lastCheckedAt = new Date().toISOString();
    if (this.engine.busy()) this.engine.changed();
    else if (outcome.status !== 'failed') await this.engine.rerun(waiting.stepId);
    else if (JSON.stringify(outcome.finding) !== JSON.stringify(this.engine.finding(waiting.stepId)))
      await this.engine.record(waiting.stepId, outcome);
    else this.engine.changed();
    if (this.current === waiting) this.schedule();
  }
}
