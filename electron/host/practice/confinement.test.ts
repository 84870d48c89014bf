import { readFile, readdir, rename, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PracticeFixture, practiceFixture, useRealFolder } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { translator } from '../../core/i18n';
import { remedyOf } from '../../shared/i18n';
import { UpgradeError } from '../../shared/message';
import { lockoutPaths } from '../lockout';
import {
  type IisFile,
  type InstanceFile,
  iisFileSchema,
  insidePractice,
  instanceFileSchema,
  paths,
  readJson,
  writeJsonAtomic,
} from './layout';

/**
 * Issue 12, "practice stays practice": the practice server's own files (IIS's sites, the SQL
 * instance) name paths; none of them may lead out of the practice folder to a real one.
 */

let fx: PracticeFixture | undefined;
/** A real folder beside the practice server, standing for C:\Windows or /etc. */
const outside = useRealFolder();
closeAfterEach(() => [fx]);

const connection = {
  name: 'Produzione',
  database: 'CRM_PROD',
  server: '.\\SQLEXPRESS',
  connectionString: 'Data Source=.\\SQLEXPRESS;Initial Catalog=CRM_PROD',
};

async function editIis(change: (iis: IisFile) => void): Promise<void> {
  const file = paths(fx!.serverDir).iis;
  const iis = await readJson(file, iisFileSchema);
  change(iis);
  await writeJsonAtomic(file, iis);
}

async function editInstance(change: (inst: InstanceFile) => void): Promise<void> {
  const file = paths(fx!.serverDir).instance;
  const inst = await readJson(file, instanceFileSchema);
  change(inst);
  await writeJsonAtomic(file, inst);
}

const crmSite = (iis: IisFile) => iis.sites.find((s) => s.name === 'CRM')!;

describe('paths named by the practice server stay inside its folder', () => {
  it('an IIS site whose folder is ../.. or absolute is refused with a clear message', async () => {
    fx = await practiceFixture();
    const upToOutside = path.relative(fx.serverDir, outside()).split(path.sep).join('/');
    expect(upToOutside.startsWith('../')).toBe(true);
    for (const physicalPath of [upToOutside, `C/inetpub/../../${upToOutside}`, outside(), 'C:\\Windows']) {
      await editIis((iis) => (crmSite(iis).physicalPath = physicalPath));
      const refused = fx.host.iis.findCrm('CRM');
      await expect(refused, physicalPath).rejects.toMatchObject({
        message_: { key: 'practice-edition.path-outside', params: { path: physicalPath } },
      });
    }
    const error: unknown = await fx.host.iis.findCrm('CRM').catch((err: unknown) => err);
    if (!(error instanceof UpgradeError)) throw new Error('not refused');
    expect(translator('en')(error.message_)).toContain('leads out of its folder');
    const remedy = remedyOf(error.message_);
    expect(remedy && translator('it')(remedy)).toContain('applicationHost.json');
  });

  it('an IIS site whose folder is a link to a real folder is refused too', async () => {
    fx = await practiceFixture();
    await rename(fx.appDir, `${fx.appDir}.moved`);
    await symlink(outside(), fx.appDir, 'dir');
    await expect(fx.host.iis.findCrm('CRM')).rejects.toMatchObject({
      message_: { key: 'practice-edition.path-link', params: { path: 'C/inetpub/wwwroot/CRM' } },
    });
  });

  it("the SQL instance's data and backup folders, and its database names, stay inside", async () => {
    fx = await practiceFixture();
    const upToOutside = path.relative(fx.serverDir, outside());
    await editInstance((inst) => (inst.dataDir = upToOutside));
    await expect(fx.host.databases.connectedUsers(connection)).rejects.toMatchObject({
      message_: { key: 'practice-edition.path-outside' },
    });
    await fx.dispose();

    fx = await practiceFixture();
    await editInstance((inst) => (inst.backupDir = outside()));
    await expect(fx.host.databases.backup(connection, () => undefined)).rejects.toMatchObject({
      message_: { key: 'practice-edition.path-outside' },
    });
    await fx.dispose();

    fx = await practiceFixture();
    const inst = await readJson(paths(fx.serverDir).instance, instanceFileSchema);
    const dataDir = paths(fx.serverDir).resolve(inst.dataDir);
    // Read as <dataDir>/<name>.json, written as <backupDir>/<name>_….bak: both in the real folder.
    const escaping = path.relative(dataDir, path.join(outside(), 'stolen')).split(path.sep).join('/');
    await editInstance((i) => i.databases.push(escaping));
    await expect(
      fx.host.databases.backup({ ...connection, database: escaping }, () => undefined),
    ).rejects.toMatchObject({
      message_: { key: 'practice-edition.database-name' },
    });
    expect((await readdir(outside())).sort()).toEqual(['web.config']);
  });

  it('the maintenance page is written only inside the practice server', async () => {
    fx = await practiceFixture();
    const site = await fx.host.iis.findCrm('CRM');
    // The lockout writes its page in the state folder, never in a folder the admin picked.
    const elsewhere = { ...site!, physicalPath: outside() };
    await fx.host.iis.lockOut(elsewhere, '<h1>x</h1>');
    expect(await readdir(outside())).toEqual(['web.config']);
    const stateDir = await fx.host.system.stateDir();
    expect(stateDir).toBe(path.join(fx.serverDir, 'C', 'ProgramData', 'CrmUpgradeManager'));
    expect(await readFile(path.join(lockoutPaths(stateDir, 'CRM').folder, 'app_offline.htm'), 'utf8')).toBe(
      '<h1>x</h1>',
    );
  });
});

describe('insidePractice', () => {
  const root = path.resolve('/srv/practice');
  const file = 'iis/applicationHost.json';

  it('takes the practice notation, with either separator', () => {
    expect(insidePractice(root, 'C/inetpub/wwwroot/CRM', file)).toBe(
      path.join(root, 'C', 'inetpub', 'wwwroot', 'CRM'),
    );
    expect(insidePractice(root, 'C\\inetpub\\.\\CRM\\', file)).toBe(path.join(root, 'C', 'inetpub', 'CRM'));
  });

  it.each([
    '..',
    'C/../..',
    'C\\..\\..\\Windows',
    '/etc',
    '\\\\server\\share',
    'C:\\Windows',
    'C:',
    'C/...',
    'C/. ./x',
    'a\0b',
  ])('refuses %j', (p) => {
    expect(() => insidePractice(root, p, file)).toThrow(
      expect.objectContaining({
        message_: { key: 'practice-edition.path-outside', params: { path: p, file, root } },
      }),
    );
  });

  it('keeps a folder that only starts with two dots', () => {
    expect(insidePractice(root, 'C/..data', file)).toBe(path.join(root, 'C', '..data'));
  });
});
