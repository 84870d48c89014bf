import { mkdtemp, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

// A locked file (IIS's worker holds it) surfaces as EBUSY on Windows; root here can't make one, so the read is faked.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    readFile: (async (file: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
      if (String(file).endsWith('Crm.Web.dll')) {
        throw Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
      }
      return (real.readFile as (...a: unknown[]) => unknown)(file, ...rest);
    }) as typeof real.readFile,
  };
});

const { zipFolder } = await import('./zip-backup');

let work = '';
afterEach(() => rm(work, { recursive: true, force: true }));

it('stops on a locked file, names it, and leaves no partial zip', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zipl-'));
  await mkdir(path.join(work, 'app', 'bin'), { recursive: true });
  await writeFile(path.join(work, 'app', 'a.txt'), 'a');
  await writeFile(path.join(work, 'app', 'bin', 'Crm.Web.dll'), 'dll');
  const zip = path.join(work, 'b.zip');
  await expect(zipFolder(path.join(work, 'app'), zip)).rejects.toMatchObject({
    message_: { key: 'backup.files.unreadable', params: { path: 'bin/Crm.Web.dll', code: 'EBUSY' } },
  });
  await expect(open(zip)).rejects.toThrow();
});
