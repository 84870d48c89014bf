import { describe, expect, it } from 'vitest';
import { runFaults } from './faults';

/**
 * The short version of `npm run test:faults`: practice upgrades killed with SIGKILL at random
 * journal records (a fixed seed, so a failure replays), each then continued or rolled back.
 */
describe('killed at random, every run ends upgraded or rolled back', () => {
  it('8 kills', async () => {
    const trials = await runFaults({ kills: 8, seed: 2026 });
    const other = trials
      .filter((t) => t.outcome === 'other')
      .map((t) => `#${t.index} at ${t.killAt}: ${t.left.join('; ')}`);
    expect(other).toEqual([]);
    expect(trials.map((t) => t.mode)).toContain('rollback');
    expect(trials.map((t) => t.mode)).toContain('forward');
  }, 600_000);
});
