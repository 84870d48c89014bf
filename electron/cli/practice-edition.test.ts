import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildFacts } from '../core/edition';
import { runMain } from '../testing/run-main';

/** The build this CLI believes it is: a clone, unless a test says it was packaged. */
const build = vi.hoisted(() => ({ facts: { packaged: false, edition: 'admin' } as BuildFacts }));
vi.mock('../core/edition', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../core/edition')>()),
  thisBuild: () => Promise.resolve(build.facts),
}));

let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cli-edition-'));
});

afterEach(async () => {
  build.facts = { packaged: false, edition: 'admin' };
  await rm(work, { recursive: true, force: true });
});

describe('the CLI follows the practice rule of the desktop app', () => {
  it('packaged as the admin edition, it refuses practice mode with the message, and makes nothing', async () => {
    build.facts = { packaged: true, edition: 'admin' };
    const server = path.join(work, 'server');
    for (const argv of [
      ['practice', 'init', server, '--lang', 'en'],
      ['check', '--practice', server, '--kit', path.join(work, 'kit'), '--lang', 'en'],
      ['demo', '--lang', 'en'],
    ]) {
      const refused = await runMain(...argv);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('does not open a practice server (--practice)');
      // And what to do about it, as the window says it.
      expect(refused.stderr).toContain('\n  → ');
    }
    expect(await readdir(work)).toEqual([]);
  });

  it('from a clone, and packaged as the practice edition, practice mode works', async () => {
    expect((await runMain('practice', 'init', path.join(work, 'clone'))).code).toBe(0);
    build.facts = { packaged: true, edition: 'practice' };
    expect((await runMain('practice', 'init', path.join(work, 'practice-edition'))).code).toBe(0);
    expect((await readdir(work)).sort()).toEqual(['clone', 'practice-edition']);
  });
});
