import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';
import { quickTreeHash, readCentralDirectory, run } from './zip-test-helpers';
import { verifyZip } from './zip-verify';

/*
 * Zip64 by entry count: more than 65,535 entries, each a few bytes, so that the test stays
 * quick. (Zip64 by size, a zip over 4 GiB, is what `npm run bench:backup -- --scale 10` makes,
 * and checks with unzip -t.)
 */

/** 66 folders of 1,000 files: 66,066 entries, past the 65,535 a zip without Zip64 can count. */
const FOLDERS = 66;
const PER_FOLDER = 1000;

/**
 * The folders go in memory (Linux's /dev/shm) when it has room for them (some 500 MB: a page for
 * each small file, twice): on a disk that other jobs keep busy, making the 66,000 files took 67 s
 * and removing them with their restored copy 86 s (measured on a loaded 2-core machine); in
 * memory, a few seconds each. Elsewhere, the temp folder.
 */
async function makeWorkFolder(): Promise<string> {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize > 2 ** 30) return await mkdtemp('/dev/shm/zip64-');
  } catch {
    // No /dev/shm, or not ours to write in.
  }
  return mkdtemp(path.join(tmpdir(), 'zip64-'));
}

let work = '';
beforeAll(async () => {
  work = await makeWorkFolder();
  for (let d = 0; d < FOLDERS; d++) {
    const dir = path.join(work, 'app', `cartella-${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++)
      writeFileSync(path.join(dir, `f${f}.txt`), f % 10 === 0 ? '' : `${d}:${f}`);
  }
}, 180_000);
// Some 132,000 files to remove, the folder and its restored copy: in the temp folder on a busy
// disk that is far past vitest's default 10 s for a hook.
afterAll(() => rm(work, { recursive: true, force: true }), 180_000);

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
    expect(await restoreZip(zip, out, undefined, { toOtherFolder: true })).toBe(manifest.treeHash);
    // The restored folder as the disk has it, read apart from the restore's own hashing.
    expect(await quickTreeHash(out)).toBe(manifest.treeHash);
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
    // On the disk, not in memory: the restore writes the 4 GiB out in full.
    const big = await mkdtemp(path.join(tmpdir(), 'zip64-big-'));
    onTestFinished(() => rm(big, { recursive: true, force: true }));
    const app = path.join(big, 'app');
    mkdirSync(app, { recursive: true });
    const handle = await open(path.join(app, 'archivio.bak'), 'w');
    await handle.write('inizio', 0);
    await handle.write('fine', 4 * 1024 ** 3 + 4096);
    await handle.close();
    const zip = path.join(big, 'big.zip');
    const manifest = await zipFolder(app, zip);
    const end = readCentralDirectory(zip);
    expect(end.zip64).toBe(true);
    expect(end.records.find((r) => r.name === 'archivio.bak')?.size).toBe(0xffffffff);
    await verifyZip(zip);
    expect(run('unzip', ['-tq', zip]).status).toBe(0);
    expect(run('7z', ['t', zip]).status).toBe(0);
    const out = path.join(big, 'restored');
    expect(await restoreZip(zip, out, undefined, { toOtherFolder: true })).toBe(manifest.treeHash);
  },
);
