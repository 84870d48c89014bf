import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Host } from '../ports';
import type { Profile } from '../profile';
import { readInstalledVersion, readLicenceModulesText } from './read-install';

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  folder = undefined;
});

/** A CRM folder with one file, read through a profile that skipped the load-time check. */
async function sourceWith(file: string, text: string, pattern: string) {
  folder = await mkdtemp(path.join(tmpdir(), 'read-install-'));
  await mkdir(path.join(folder, 'bin'), { recursive: true });
  await writeFile(path.join(folder, ...file.split('/')), text);
  const profile = {
    installedVersion: { kind: 'file', file, pattern },
    licence: { kind: 'file', file, pattern },
  } as unknown as Profile;
  return { host: {} as Host, physicalPath: folder, connections: [], profile };
}

it('a catastrophic pattern in the profile ends as "unreadable" instead of hanging the check', async () => {
  const src = await sourceWith('bin/version.txt', `${'a'.repeat(40)}!`, '^((a+)+)$');
  expect(await readInstalledVersion(src)).toBeNull();
});

it('still reads the version and the licence with an ordinary pattern', async () => {
  const src = await sourceWith('bin/version.txt', 'Moduli: 0, 3, 7\n', 'Moduli:\\s*(.*)');
  expect(await readLicenceModulesText(src)).toBe('0, 3, 7');
  expect(await readInstalledVersion(src)).toBe('0, 3, 7');
});
