import type { Progress } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import type { ProgressReport } from './context';

const PROGRESS_INTERVAL_MS = 100;

/** A step's progress as the views get it: percent, ETA, and at most ten reports a second. */
export class ProgressThrottle {
  private readonly last = new Map<string, number>();

  report(stepId: StepId, started: number, p: ProgressReport): Progress | null {
    const percent =
      p.percent ??
      (p.bytesTotal
        ? (100 * (p.bytesDone ?? 0)) / p.bytesTotal
        : p.itemsTotal
          ? (100 * (p.itemsDone ?? 0)) / p.itemsTotal
          : 0);
    const now = Date.now();
    const last = this.last.get(stepId) ?? 0;
    if (percent < 100 && now - last < PROGRESS_INTERVAL_MS) return null;
    this.last.set(stepId, now);
    const elapsedMs = now - started;
    const clamped = Math.max(0, Math.min(100, percent));
    return {
      stepId,
      percent: clamped,
      elapsedMs,
      ...(p.bytesDone !== undefined ? { bytesDone: p.bytesDone } : {}),
      ...(p.bytesTotal !== undefined ? { bytesTotal: p.bytesTotal } : {}),
      ...(p.itemsDone !== undefined ? { itemsDone: p.itemsDone } : {}),
      ...(p.itemsTotal !== undefined ? { itemsTotal: p.itemsTotal } : {}),
      ...(clamped > 1 && clamped < 100 ? { etaMs: Math.round((elapsedMs * (100 - clamped)) / clamped) } : {}),
    };
  }
}
