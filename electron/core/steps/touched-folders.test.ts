import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CrmSite } from '../ports';
import { type TouchedFolder, resolveTouched } from './touched-folders';

const root = path.resolve('/srv/C/inetpub/wwwroot');
const site = (folder: string): CrmSite => ({
  siteName: folder,
  appPath: '/',
  physicalPath: path.join(root, folder),
  pools: [],
  url: 'http://localhost/',
});
const discovery = { site: site('CRM'), mobileSite: site('CRMMobile') };
const backups = path.resolve('/srv/D/CrmUpgradeBackups');
const folder = (declared: string, name = 'services'): TouchedFolder => ({ name, role: 'main', declared });

describe('where a folder the kit says its setup touches is on this server', () => {
  it('is found from the site it names', () => {
    expect(resolveTouched(folder('{installPath}/../CRMServices'), discovery, backups)).toEqual({
      path: path.join(root, 'CRMServices'),
    });
    expect(resolveTouched(folder('{mobilePath}/../MobileCache'), discovery, backups)).toEqual({
      path: path.join(root, 'MobileCache'),
    });
  });

  it.each([
    ['a drive root', '{installPath}/../../../..'],
    ['the folder holding the CRM', '{installPath}/..'],
    ['the CRM itself', '{installPath}/.'],
    ['a folder inside MOBILE', '{installPath}/../CRMMobile/bin'],
    ['the folder holding the backups', '{installPath}/../../../../D'],
  ])('refuses %s', (_what, declared) => {
    expect(resolveTouched(folder(declared), discovery, backups)).toMatchObject({
      problem: { key: 'backup.folder.refused' },
    });
  });

  it('says so when the site it is anchored to is not on this server', () => {
    expect(
      resolveTouched(folder('{mobilePath}/../X'), { ...discovery, mobileSite: null }, backups),
    ).toMatchObject({ problem: { key: 'backup.folder.no-anchor', params: { name: 'services' } } });
  });
});
