import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest test files, measured, slowest first. Vitest starts the files it has timings for
 * longest first, but a clean clone (CI) has none, and it then starts the largest files first: a
 * small, slow file started last ran alone at the end for minutes. This sets only the order.
 */
const SLOWEST_FIRST = [
  'build/faults/faults.test.ts',
  'electron/core/files/zip64.test.ts',
  'electron/core/run/session-intents.test.ts',
  'electron/core/run/engine.test.ts',
  'electron/cli/cli.test.ts',
  'electron/core/files/zip-backup.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(
        path.relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/'),
      );
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    // A stable sort: the others keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'electron/**/*.test.ts',
            'renderer/**/*.test.ts',
            'renderer/**/*.test.tsx',
            'build/**/*.test.ts',
          ],
          // Threads start a test file in a fraction of a fork's time, and two files at once keep
          // both cores busy while a test waits on a child process (vitest's default on 2 cores is
          // 1 worker). Measured on the 2-core CI machine: the unit tests took half the time.
          pool: 'threads',
          maxWorkers: 2,
          // A safety net, not an expectation: no test is meant to come near it, even on a loaded machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
