import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test support only: a build check script (build/…/check-*.ts) run through the repo's tsx from the
 * repo root, as `npm run check:…` runs it, and the closing "N passed, M failed" line of its output.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `script` relative to the repo root. */
export function runCheckScript(script: string, args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}

/** The counts of the closing line; -1 for each when there is none. */
export function closingLine(stdout: string): { passed: number; failed: number } {
  const m = /\n(\d+) passed, (\d+) failed\n/.exec(stdout);
  return { passed: Number(m?.[1] ?? -1), failed: Number(m?.[2] ?? -1) };
}
