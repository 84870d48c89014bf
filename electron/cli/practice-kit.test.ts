import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runMain } from '../testing/run-main';

let work = '';
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('practice kit --mobile-setup-fails CODE makes a kit whose MOBILE setup fails, the main one not', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'practice-kit-'));
  const kit = path.join(work, 'kit');
  expect((await runMain('practice', 'kit', kit, '--mobile-setup-fails', '1603')).code).toBe(0);
  const behaviour = JSON.parse(
    await readFile(path.join(kit, 'setup', 'practice-setup.json'), 'utf8'),
  ) as unknown;
  expect(behaviour).toEqual({ failWith: null, mobileFailWith: 1603, hang: false });
  expect((await runMain('practice', 'kit', path.join(work, 'bad'), '--mobile-setup-fails', 'x')).code).toBe(
    2,
  );
});
