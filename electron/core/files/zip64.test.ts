import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { treeHash } from './tree';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';
import { readCentralDirectory, run } from './zip-test-helpers';
import { verifyZip } from './zip-verify';

/*
 * Zip64 by entry count: more than 65,535 entries, each a few bytes, so that the test stays
 * quick. (Zip64 by size, a zip over 4 GiB, is what `npm run bench:backup -- --scale 10` makes,
 * and checks with unzip -t.)
 */

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
    expect(manifest.entryCount).toBe(FOLDERS * (PER_FOLDER + 1));
    const end = readCentralDirectory(zip);
    expect(end.zip64).toBe(true);
    expect(end.entries).toBe(FOLDERS * (PER_FOLDER + 1));
    await verifyZip(zip);
    const unzipped = run('unzip', ['-tq', zip]);
    expect(unzipped.status, unzipped.out).toBe(0);
    const tested = run('7z', ['t', zip]);
    expect(tested.status, tested.out.slice(-2000)).toBe(0);
    expect(tested.out).toContain(`Files: ${FOLDERS * PER_FOLDER}`);
    const out = path.join(work, 'restored');
    expect(await restoreZip(zip, out)).toBe(manifest.treeHash);
    expect(await treeHash(out)).toBe(manifest.treeHash);
  },
);

/*
 * Zip64 by size: one file over 4 GiB (sparse, so it takes no disk to make), its sizes in a
 * Zip64 field of the local header and in an 8-byte data descriptor. Slow (4 GiB to read, deflate,
 * inflate and check): run it with ZIP64_BIG=1.
 */
it.runIf(process.env.ZIP64_BIG === '1')(
  'writes Zip64 sizes for a file over 4 GiB',
  { timeout: 900_000 },
  async () => {
    const { open } = await import('node:fs/promises');
    const app = path.join(work, 'big');
    mkdirSync(app, { recursive: true });
    const handle = await open(path.join(app, 'archivio.bak'), 'w');
    await handle.write('inizio', 0);
    await handle.write('fine', 4 * 1024 ** 3 + 4096);
    await handle.close();
    const zip = path.join(work, 'big.zip');
    const manifest = await zipFolder(app, zip);
    const end = readCentralDirectory(zip);
    expect(end.zip64).toBe(true);
    expect(end.records.find((r) => r.name === 'archivio.bak')?.size).toBe(0xffffffff);
    await verifyZip(zip);
    expect(run('unzip', ['-tq', zip]).status).toBe(0);
    expect(run('7z', ['t', zip]).status).toBe(0);
    const out = path.join(work, 'big-restored');
    expect(await restoreZip(zip, out)).toBe(manifest.treeHash);
  },
);
