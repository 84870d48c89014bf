// npm run bench:checks — the whole pre-flight on a practice server: checks run together, as the
// engine runs them, against the same checks one after another, in the same run (medians of 5).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPracticeKit } from '../../electron/cli/practice-kit';
import { sourceResourcesDir } from '../../electron/core/resources';
import { openSession } from '../../electron/core/session';
import { initPracticeServer, openPracticeHost } from '../../electron/host/practice';
import { median } from './median';

const RUNS = 5;

const root = await mkdtemp(path.join(tmpdir(), 'bench-checks-'));
try {
  const serverDir = path.join(root, 'server');
  const kitDir = path.join(root, 'kit');
  await initPracticeServer(serverDir);
  await createPracticeKit(kitDir, { resourcesDir: sourceResourcesDir() });
  const host = await openPracticeHost(serverDir);

  const together: number[] = [];
  const oneByOne: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const session = await openSession({ host, kitDir, readOnly: true });
    const steps = await session.runChecks();
    together.push(performance.now() - t);
    count = steps.length;

    // The same checks, awaited one at a time, as a plain script would run them.
    t = performance.now();
    const sequential = await openSession({ host, kitDir, readOnly: true });
    await sequential.runChecksOneByOne();
    oneByOne.push(performance.now() - t);
  }
  const a = median(together);
  const b = median(oneByOne);
  console.log(
    `pre-flight on the practice server, ${count} checks (session opening included), median of ${RUNS}`,
  );
  console.log(`  together     ${a.toFixed(0)} ms   runs: ${together.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`  one by one   ${b.toFixed(0)} ms   runs: ${oneByOne.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(
    `  ratio together/one-by-one ${(a / b).toFixed(2)}x; target: under 2000 ms (${a < 2000 ? 'met' : 'NOT met'})`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
