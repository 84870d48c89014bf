import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { zipFolder } from './zip-backup';
import { BLOCK } from './zip-thread-messages';
import type { ZipWorkersOptions } from './zip-workers';

// A locked file (IIS's worker holds it) surfaces as EBUSY on Windows, an unreadable one as
// EACCES or EPERM; root here can't make either, so the backup runs on threads that fail those
// opens (testing/zip-thread-refusing-opens.ts: the shipped thread has no such code).
const refusing = (refusals: Record<string, string>): { workers: ZipWorkersOptions } => ({
  workers: {
    thread: { url: new URL('./testing/zip-thread-refusing-opens.ts', import.meta.url), data: refusals },
  },
});

let work = '';
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zipl-'));
  await mkdir(path.join(work, 'app', 'bin'), { recursive: true });
  await writeFile(path.join(work, 'app', 'a.txt'), 'a');
  await writeFile(path.join(work, 'app', 'bin', 'Crm.Web.dll'), 'dll');
  await writeFile(path.join(work, 'app', 'bin', 'Big.dll'), Buffer.alloc(BLOCK + 10, 1));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

it.each([
  ['EBUSY', 'bin/Crm.Web.dll'],
  ['EACCES', 'bin/Crm.Web.dll'],
  ['EPERM', 'bin/Big.dll'],
])('stops on a file it cannot read (%s), names it, and leaves no partial zip', async (code, rel) => {
  const zip = path.join(work, 'b.zip');
  await expect(zipFolder(path.join(work, 'app'), zip, refusing({ [rel]: code }))).rejects.toMatchObject({
    message_: { key: 'backup.files.unreadable', params: { path: rel, code } },
  });
  await expect(stat(zip)).rejects.toThrow();
  await expect(stat(`${zip}.manifest.json`)).rejects.toThrow();
});

it('stops on a file that disappeared since the listing, and leaves no partial zip', async () => {
  const zip = path.join(work, 'b.zip');
  await expect(zipFolder(path.join(work, 'app'), zip, refusing({ 'a.txt': 'ENOENT' }))).rejects.toMatchObject(
    {
      message_: { key: 'backup.files.changed', params: { path: 'a.txt' } },
    },
  );
  await expect(stat(zip)).rejects.toThrow();
});

it('refuses to put the zip inside the folder it copies, and to overwrite a zip', async () => {
  await expect(zipFolder(path.join(work, 'app'), path.join(work, 'app', 'b.zip'))).rejects.toMatchObject({
    message_: { key: 'backup.files.inside-source' },
  });
  const zip = path.join(work, 'b.zip');
  await writeFile(zip, 'not ours');
  await expect(zipFolder(path.join(work, 'app'), zip)).rejects.toMatchObject({
    message_: { key: 'backup.files.failed' },
  });
  // Not ours to remove.
  expect((await stat(zip)).size).toBe('not ours'.length);
  // Nor is a manifest left by another backup: the new zip goes, the old manifest stays.
  const other = path.join(work, 'c.zip');
  await writeFile(`${other}.manifest.json`, 'an older manifest');
  await expect(zipFolder(path.join(work, 'app'), other)).rejects.toMatchObject({
    message_: { key: 'backup.files.failed' },
  });
  await expect(stat(other)).rejects.toThrow();
  expect(await readFile(`${other}.manifest.json`, 'utf8')).toBe('an older manifest');
});
