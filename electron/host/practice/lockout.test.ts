import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CrmSite } from '../../core/ports';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { lockoutPaths, loopbackBindings, loopbackUrl, readLockoutRecord } from '../lockout';

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

const ORIGINAL = [
  { protocol: 'http', bindingInformation: '*:80:' },
  { protocol: 'https', bindingInformation: '*:443:crm.azienda.local' },
];

async function crm(): Promise<CrmSite> {
  fx = await practiceFixture();
  const site = await fx.host.iis.findCrm('CRM');
  if (!site) throw new Error('no CRM');
  return site;
}

const sites = async () =>
  (
    JSON.parse(await readFile(path.join(fx!.serverDir, 'iis', 'applicationHost.json'), 'utf8')) as {
      sites: {
        name: string;
        bindings: { protocol: string; bindingInformation: string }[];
        maintenanceOf?: string;
      }[];
    }
  ).sites;
const stateDir = () => path.join(fx!.serverDir, 'C', 'ProgramData', 'CrmUpgradeManager');

describe('the lockout on the practice server', () => {
  it('keeps loopback bindings only: outside gets the maintenance page, this server the CRM; ending it restores the exact bindings', async () => {
    const site = await crm();
    const iis = fx!.host.iis;
    expect(await iis.request(site, 'outside')).toMatchObject({ status: 200 });
    const lockout = await iis.lockOut(site, '<h1>manutenzione</h1>');
    expect(lockout).toMatchObject({
      site: 'CRM',
      original: ORIGINAL,
      locked: [
        { protocol: 'http', bindingInformation: '127.0.0.1:80:' },
        { protocol: 'http', bindingInformation: '[::1]:80:' },
      ],
      loopbackUrl: 'http://127.0.0.1/',
    });
    expect(await readLockoutRecord(stateDir(), 'CRM')).toEqual(lockout);
    const during = await sites();
    expect(during.find((s) => s.name === 'CRM')?.bindings).toEqual(lockout.locked);
    expect(during.find((s) => s.maintenanceOf === 'CRM')?.bindings).toEqual(ORIGINAL);
    expect(
      await readFile(path.join(lockoutPaths(stateDir(), 'CRM').folder, 'app_offline.htm'), 'utf8'),
    ).toContain('manutenzione');

    expect(await iis.request(site, 'outside')).toEqual({ status: 503, maintenance: true });
    expect(await iis.request(site)).toEqual({ status: 503, maintenance: true });
    expect(await iis.request(site, 'loopback')).toMatchObject({ status: 200, version: '7.8.4.13050210_x64' });
    // The users' side: refused, nobody added; the admin's "Aggiorna Database" gets through.
    await fx!.host.practice!.logOffAllUsers();
    expect(await fx!.host.practice!.userLogsIn('Produzione', 'lbianchi')).toEqual({
      admitted: false,
      status: 503,
    });
    const users = await fx!.host.databases.connectedUsers({
      name: 'Produzione',
      database: 'CRM_PROD',
      server: '.\\SQLEXPRESS',
      connectionString: '',
    });
    expect(users).toEqual([]);
    await expect(fx!.host.practice!.pressAggiornaDatabase('Produzione')).resolves.toBeUndefined();

    // A second lockOut (a retry after a crash) keeps the first record of the original bindings.
    expect(await iis.lockOut(site, '<h1>manutenzione</h1>')).toEqual(lockout);

    expect(await iis.endLockout(site)).toEqual(ORIGINAL);
    const back = await sites();
    expect(back.find((s) => s.name === 'CRM')?.bindings).toEqual(ORIGINAL);
    expect(back.some((s) => s.maintenanceOf !== undefined)).toBe(false);
    expect(await readLockoutRecord(stateDir(), 'CRM')).toBeNull();
    expect(await iis.request(site, 'outside')).toMatchObject({ status: 200 });
    expect(await fx!.host.practice!.userLogsIn('Produzione', 'lbianchi')).toEqual({
      admitted: true,
      status: 200,
    });
    // Again: nothing to do.
    expect(await iis.endLockout(site)).toBeNull();
  });

  it('puts the bindings back from the journal, or from the maintenance site, when the server lost its record', async () => {
    const site = await crm();
    const iis = fx!.host.iis;
    await iis.lockOut(site, '<h1>x</h1>');
    await rm(lockoutPaths(stateDir(), 'CRM').record);
    expect(await iis.endLockout(site, ORIGINAL)).toEqual(ORIGINAL);
    expect((await sites()).find((s) => s.name === 'CRM')?.bindings).toEqual(ORIGINAL);

    await iis.lockOut(site, '<h1>x</h1>');
    await rm(lockoutPaths(stateDir(), 'CRM').record);
    expect(await iis.endLockout(site)).toEqual(ORIGINAL);
    expect(await iis.request(site, 'outside')).toMatchObject({ status: 200 });
  });
});

describe('loopback bindings', () => {
  it('one per port on 127.0.0.1 and [::1], http preferred, other protocols kept', () => {
    expect(
      loopbackBindings([
        { protocol: 'http', bindingInformation: '10.0.0.5:8080:crm.local' },
        { protocol: 'http', bindingInformation: '*:8080:' },
        { protocol: 'https', bindingInformation: '*:443:' },
        { protocol: 'net.tcp', bindingInformation: '808:*' },
      ]),
    ).toEqual([
      { protocol: 'http', bindingInformation: '127.0.0.1:8080:' },
      { protocol: 'http', bindingInformation: '[::1]:8080:' },
      { protocol: 'net.tcp', bindingInformation: '808:*' },
    ]);
    const httpsOnly = loopbackBindings([{ protocol: 'https', bindingInformation: '*:443:crm.local' }]);
    expect(httpsOnly).toEqual([
      { protocol: 'https', bindingInformation: '127.0.0.1:443:' },
      { protocol: 'https', bindingInformation: '[::1]:443:' },
    ]);
    expect(loopbackUrl(httpsOnly, '/CRM')).toBe('https://127.0.0.1/CRM/');
    expect(loopbackUrl(loopbackBindings([{ protocol: 'http', bindingInformation: '*:8081:' }]), '/')).toBe(
      'http://127.0.0.1:8081/',
    );
  });
});
