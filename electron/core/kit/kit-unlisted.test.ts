import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPracticeKit } from '../../cli/practice-kit';
import { UpgradeError } from '../../shared/message';
import { sourceResourcesDir } from '../resources';
import { loadTrustedKeys } from './kit-keys';
import { readSignedKit, verifyKitFiles } from './kit-verify';

let work: string;
let template: string;
let count = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kit-unlisted-'));
  template = path.join(work, 'template');
  await createPracticeKit(template, { resourcesDir: sourceResourcesDir() });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh copy of the signed practice kit, with `plant` done to it. */
async function stick(plant: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = path.join(work, `kit-${++count}`);
  await cp(template, dir, { recursive: true });
  await plant(dir);
  return dir;
}

async function verify(dir: string, allowedExtra: string[] = []) {
  const kit = await readSignedKit(dir, await loadTrustedKeys(sourceResourcesDir(), true));
  return verifyKitFiles(kit, undefined, allowedExtra);
}

async function refusal(dir: string): Promise<UpgradeError> {
  const err: unknown = await verify(dir).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UpgradeError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

const file =
  (rel: string, content = 'x') =>
  async (dir: string) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  };

describe('a file on the stick that the signed manifest does not list is refused', () => {
  // Each of these steers a setup or runs by itself on Windows, and none is an "executable" by
  // the old fixed list of extensions (version.dll was; it stays refused).
  it.each([
    {
      name: 'a setup.exe.config beside the setup',
      plant: file('setup/setup.exe.config'),
      path: 'setup/setup.exe.config',
    },
    {
      name: 'a version.dll beside the setup',
      plant: file('setup/version.dll', 'MZ'),
      path: 'setup/version.dll',
    },
    { name: 'an .hta at the root', plant: file('x.hta', '<script>'), path: 'x.hta' },
    {
      name: 'a .cpl in a payload',
      plant: file('setup/payload-crm/files/bin/x.cpl'),
      path: 'setup/payload-crm/files/bin/x.cpl',
    },
    { name: 'an .msc in a folder of its own', plant: file('tools/console.msc'), path: 'tools/' },
    {
      name: 'an empty .local redirection folder',
      plant: (dir: string) => mkdir(path.join(dir, 'setup', 'crm-setup.mjs.local')),
      path: 'setup/crm-setup.mjs.local/',
    },
    {
      name: 'a .local folder with a DLL in it',
      plant: file('setup/setup.exe.local/comctl32.dll', 'MZ'),
      path: 'setup/setup.exe.local/',
    },
  ])('$name → kit.unlisted naming $path', async ({ plant, path: named }) => {
    const err = await refusal(await stick(plant));
    expect(err.message_).toEqual({ key: 'kit.unlisted', params: { paths: named } });
  });

  it('names every unlisted entry it found, up to ten', async () => {
    const dir = await stick(async (d) => {
      for (let i = 0; i < 12; i++) await file(`extra-${String(i).padStart(2, '0')}.txt`)(d);
    });
    const paths = String((await refusal(dir)).message_.params?.paths).split(', ');
    expect(paths).toHaveLength(10);
    expect(paths[0]).toBe('extra-00.txt');
  });

  it("passes reports/, the upgrade manager's own files, Windows' volume folders and download marks", async () => {
    const dir = await stick(async (d) => {
      await file('reports/CRM-APP01/run-1/journal.jsonl')(d);
      await file('CrmUpgradeManager.exe', 'MZ')(d);
      await file('System Volume Information/IndexerVolumeGuid')(d);
      await file('setup/crm-setup.mjs:Zone.Identifier', '[ZoneTransfer]\r\nZoneId=3\r\n')(d);
    });
    await expect(verify(dir, ['crmupgrademanager.EXE'])).resolves.toMatchObject({
      files: expect.any(Number),
    });
    // Without the exe named as the manager's own, the same stick is refused.
    expect((await refusal(dir)).message_.params).toEqual({ paths: 'CrmUpgradeManager.exe' });
  });

  it('a mark beside a file the manifest does not list is no free pass', async () => {
    const err = await refusal(await stick(file('setup/evil.dll:Zone.Identifier')));
    expect(err.message_.params).toEqual({ paths: 'setup/evil.dll:Zone.Identifier' });
  });
});
