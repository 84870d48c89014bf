import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { zipFolder } from './zip-backup';

/*
 * Issue 11: a disk that fills up just as the manifest is created. The manifest's first write
 * fails with ENOSPC (node:fs/promises' open is wrapped for *.manifest.json only); nothing may be
 * left behind, least of all a 0-byte manifest.
 */
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (file, ...rest) => {
    const handle = await fs.open(file, ...rest);
    if (!String(file).endsWith('.manifest.json')) return handle;
    return new Proxy(handle, {
      get(target, key, receiver) {
        if (key === 'write')
          return () =>
            Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...fs, open, default: { ...fs, open } };
});

let work = '';
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('a manifest that cannot be written leaves neither a 0-byte manifest nor a partial zip', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'manifest-full-'));
  const app = path.join(work, 'app');
  await mkdir(path.join(app, 'bin'), { recursive: true });
  await writeFile(path.join(app, 'web.config'), '<configuration/>');
  const out = path.join(work, 'copie');
  await mkdir(out);
  await expect(zipFolder(app, path.join(out, 'crm.zip'))).rejects.toMatchObject({
    message_: { key: 'backup.files.disk-full', params: { path: out } },
  });
  expect(await readdir(out)).toEqual([]);
});
