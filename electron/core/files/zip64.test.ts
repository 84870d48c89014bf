import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { treeHash } from './tree';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';
import { needTool, readCentralDirectory, run } from './zip-test-helpers';
import { verifyZip } from './zip-verify';

/*
 * Zip64 by entry count: more than 65,535 entries, each a few bytes, so that the test stays
 * quick. (Zip64 by size, a zip over 4 GiB, is what `npm run bench:backup -- --scale 10` makes,
 * and checks with unzip -t.)
 */

const HAVE_UNZIP = needTool('unzip', 'unzip');
const HAVE_7Z = needTool('7z', 'p7zip-full');
const FOLDERS = 67;
const PER_FOLDER = 1000;

let work = '';
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zip64-'));
  for (let d = 0; d < FOLDERS; d++) {
    const dir = path.join(work, 'app', `cartella-${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++)
      writeFileSync(path.join(dir, `f${f}.txt`), f % 10 === 0 ? '' : `${d}:${f}`);
  }
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

it(
  'writes Zip64 records past 65,535 entries, and the zip opens, verifies and restores',
  { timeout: 240_000 },
  async () => {
    const app = path.join(work, 'app');
    const zip = path.join(work, 'many.zip');
    const manifest = await zipFolder(app, zip);
    expect(manifest.entries.length).toBe(FOLDERS * (PER_FOLDER + 1));
    const end = readCentralDirectory(zip);
    expect(end.zip64).toBe(true);
    expect(end.entries).toBe(FOLDERS * (PER_FOLDER + 1));
    await verifyZip(zip);
    if (HAVE_UNZIP) {
      const t = run('unzip', ['-tq', zip]);
      expect(t.status, t.out).toBe(0);
    }
    if (HAVE_7Z) {
      const t = run('7z', ['t', zip]);
      expect(t.status, t.out.slice(-2000)).toBe(0);
      expect(t.out).toContain(`Files: ${FOLDERS * PER_FOLDER}`);
    }
    const out = path.join(work, 'restored');
    expect(await restoreZip(zip, out)).toBe(manifest.treeHash);
    expect(await treeHash(out)).toBe(manifest.treeHash);
  },
);
