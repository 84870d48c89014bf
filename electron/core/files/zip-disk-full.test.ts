import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

/*
 * A backup that runs out of room, for real: the zip runs in a child process whose files may not
 * grow past 2 MiB (`ulimit -f`, which needs no privilege), over 6 MB that does not compress. The
 * kernel then refuses the write (EFBIG), as a full disk does (ENOSPC): both are "disk full".
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const child = path.join(root, 'electron', 'testing', 'zip-under-size-limit.ts');

let work = '';
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zipfull-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('gives backup.files.disk-full when the room runs out, and removes the partial zip', async () => {
  const app = path.join(work, 'app');
  await mkdir(path.join(app, 'Allegati'), { recursive: true });
  for (let i = 0; i < 6; i++) {
    const b = Buffer.alloc(1 << 20);
    for (let j = 0; j < b.length; j += 4) b.writeUInt32LE((Math.imul(j + 1, 2654435761) ^ (i * 97)) >>> 0, j);
    await writeFile(path.join(app, 'Allegati', `scansione-${i}.pdf`), b);
  }
  const disk = path.join(work, 'backups');
  await mkdir(disk);
  const zip = path.join(disk, 'backup.zip');
  // ulimit -f counts 1024-byte blocks in bash.
  const r = spawnSync('bash', ['-c', 'ulimit -f 2048 && exec "$0" "$@"', tsx, child, app, zip], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toMatchObject({
    zipped: false,
    message: { key: 'backup.files.disk-full', params: { path: disk } },
  });
  expect(await readdir(disk)).toEqual([]);
});
