import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrmSite } from '../../core/ports';
import { lockoutPaths, readLockoutRecord } from '../lockout';
import type { ArgList, ExecFileFn } from './appcmd';
import { runnerAnswering } from './fixtures/fake-shell';
import { MAINTENANCE_MARKER, outsideAddress, windowsIis } from './iis';

/*
 * Windows only, not provable here (see e2e/windows/ACCEPTANCE.md): that `appcmd set site
 * /bindings:` replaces the whole collection, that HTTP.sys sends 127.0.0.1 and ::1 to the
 * loopback bindings and every other address to the maintenance site, and that ASP.NET answers
 * every request on the maintenance site with its app_offline.htm and a 503.
 */

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const ENV = { SystemRoot: 'C:\\Windows', SystemDrive: 'C:', PROCESSOR_ARCHITECTURE: 'AMD64' };
const APPCMD = 'C:\\Windows\\System32\\inetsrv\\appcmd.exe';
const ORIGINAL = 'http/*:80:,https/*:443:crm.azienda.local';

/** appcmd over sites and pools in memory: what the lockout lists, sets, adds and deletes. */
function fakeAppcmd(sites: Record<string, { bindings: string; state: string }>) {
  const pools = new Set<string>();
  const calls: ArgList[] = [];
  const notFound = (what: string, name: string) => ({
    code: 1,
    stdout: `ERROR ( message:Cannot find ${what} object with identifier "${name}". )\r\n`,
    stderr: '',
  });
  const value = (args: ArgList, prefix: string) =>
    args.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? '';
  const exec: ExecFileFn = async (file, args) => {
    expect(file).toBe(APPCMD);
    calls.push(args);
    const verb = `${args[0]} ${args[1]}`;
    const name = value(args, '/site.name:') || value(args, '/name:') || value(args, '/apppool.name:');
    switch (verb) {
      case 'list site': {
        const site = sites[name];
        if (!site) return notFound('SITE', name);
        if (args.includes('/text:bindings')) return { code: 0, stdout: `${site.bindings}\r\n`, stderr: '' };
        return {
          code: 0,
          stdout: `SITE "${name}" (id:2,bindings:${site.bindings},state:${site.state})\r\n`,
          stderr: '',
        };
      }
      case 'set site':
        if (!sites[name]) return notFound('SITE', name);
        sites[name].bindings = value(args, '/bindings:');
        return { code: 0, stdout: `SITE object "${name}" changed\r\n`, stderr: '' };
      case 'add site':
        sites[name] = { bindings: value(args, '/bindings:'), state: 'Stopped' };
        return { code: 0, stdout: `SITE object "${name}" added\r\n`, stderr: '' };
      case 'start site':
        sites[name]!.state = 'Started';
        return { code: 0, stdout: `"${name}" successfully started.\r\n`, stderr: '' };
      case 'delete site':
        if (!sites[name]) return notFound('SITE', name);
        delete sites[name];
        return { code: 0, stdout: `SITE object "${name}" deleted\r\n`, stderr: '' };
      case 'add apppool':
        pools.add(name);
        return { code: 0, stdout: `APPPOOL object "${name}" added\r\n`, stderr: '' };
      case 'delete apppool':
        if (!pools.delete(name)) return notFound('APPPOOL', name);
        return { code: 0, stdout: `APPPOOL object "${name}" deleted\r\n`, stderr: '' };
      case 'set app':
        return { code: 0, stdout: `APP object "${args[2]}" changed\r\n`, stderr: '' };
      default:
        throw new Error(`unexpected appcmd ${args.join(' ')}`);
    }
  };
  return { exec, calls, sites, pools };
}

const CRM: CrmSite = {
  siteName: 'CRM',
  appPath: '/',
  physicalPath: 'C:\\inetpub\\wwwroot\\CRM',
  pools: ['CRMAppPool'],
  url: 'http://localhost/',
};

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function setup(bindings = ORIGINAL) {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-lockout-'));
  const appcmd = fakeAppcmd({ CRM: { bindings, state: 'Started' } });
  const iis = windowsIis({
    runner: runnerAnswering(SCRIPTS_DIR, {}),
    exec: appcmd.exec,
    env: ENV,
    arch: 'x64',
    stateDir: async () => dir,
    // The server's network address: 127.0.0.2 stands for it (Linux routes all of 127/8 to lo).
    networkInterfaces: () => ({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true } as os.NetworkInterfaceInfo],
      eth0: [{ address: '127.0.0.2', family: 'IPv4', internal: false } as os.NetworkInterfaceInfo],
    }),
  });
  return { appcmd, iis, folder: lockoutPaths(dir, 'CRM').folder };
}

describe('the lockout on a Windows server, by appcmd argument arrays', () => {
  it('records the bindings, puts the site on loopback, adds the maintenance site, and undoes it exactly', async () => {
    const { appcmd, iis, folder } = await setup();
    const lockout = await iis.lockOut(CRM, '<h1>CRM in aggiornamento</h1>');
    expect(appcmd.calls).toEqual([
      ['list', 'site', '/site.name:CRM', '/text:bindings'],
      ['set', 'site', '/site.name:CRM', '/bindings:http/127.0.0.1:80:,http/[::1]:80:'],
      ['list', 'site', '/site.name:CrmUpgradeMaintenance-CRM'],
      ['delete', 'apppool', '/apppool.name:CrmUpgradeMaintenance-CRM'],
      [
        'add',
        'apppool',
        '/name:CrmUpgradeMaintenance-CRM',
        '/managedRuntimeVersion:v4.0',
        '/managedPipelineMode:Integrated',
      ],
      ['add', 'site', '/name:CrmUpgradeMaintenance-CRM', `/physicalPath:${folder}`, `/bindings:${ORIGINAL}`],
      ['set', 'app', 'CrmUpgradeMaintenance-CRM/', '/applicationPool:CrmUpgradeMaintenance-CRM'],
      ['list', 'site', '/site.name:CrmUpgradeMaintenance-CRM'],
      ['start', 'site', '/site.name:CrmUpgradeMaintenance-CRM'],
    ]);
    expect(lockout.original).toEqual([
      { protocol: 'http', bindingInformation: '*:80:' },
      { protocol: 'https', bindingInformation: '*:443:crm.azienda.local' },
    ]);
    expect(lockout.loopbackUrl).toBe('http://127.0.0.1/');
    // The record is on the server before the first change; the page is ours and at least 512 bytes.
    expect(await readLockoutRecord(dir, 'CRM')).toEqual(lockout);
    const page = await readFile(path.join(folder, 'app_offline.htm'), 'utf8');
    expect(page).toContain(MAINTENANCE_MARKER);
    expect(Buffer.byteLength(page)).toBeGreaterThanOrEqual(512);
    expect(await readFile(path.join(folder, 'web.config'), 'utf8')).toContain(
      'runAllManagedModulesForAllRequests',
    );

    // A retry changes nothing and keeps the original bindings recorded.
    appcmd.calls.length = 0;
    expect(await iis.lockOut(CRM, '<h1>CRM in aggiornamento</h1>')).toEqual(lockout);
    expect(appcmd.calls).toEqual([
      ['list', 'site', '/site.name:CRM', '/text:bindings'],
      ['list', 'site', '/site.name:CrmUpgradeMaintenance-CRM'],
    ]);

    appcmd.calls.length = 0;
    expect(await iis.endLockout(CRM)).toEqual(lockout.original);
    expect(appcmd.calls).toEqual([
      ['list', 'site', '/site.name:CrmUpgradeMaintenance-CRM', '/text:bindings'],
      ['list', 'site', '/site.name:CRM', '/text:bindings'],
      ['delete', 'site', '/site.name:CrmUpgradeMaintenance-CRM'],
      ['delete', 'apppool', '/apppool.name:CrmUpgradeMaintenance-CRM'],
      ['set', 'site', '/site.name:CRM', `/bindings:${ORIGINAL}`],
    ]);
    expect(appcmd.sites).toEqual({ CRM: { bindings: ORIGINAL, state: 'Started' } });
    expect(await readLockoutRecord(dir, 'CRM')).toBeNull();
    // Idempotent: a second undo (a rollback continued after a crash) finds nothing to do.
    expect(await iis.endLockout(CRM)).toBeNull();
  });

  it('undoes from the journal’s bindings when the server’s record is gone', async () => {
    const { appcmd, iis } = await setup();
    const lockout = await iis.lockOut(CRM, '<h1>x</h1>');
    await rm(lockoutPaths(dir, 'CRM').record);
    expect(await iis.endLockout(CRM, lockout.original)).toEqual(lockout.original);
    expect(appcmd.sites).toEqual({ CRM: { bindings: ORIGINAL, state: 'Started' } });
  });

  it('asks from outside at a network address of the server, and from this server at the loopback address', async () => {
    // Stands for HTTP.sys on every address: it records where each request arrived, and its Host.
    const arrived: string[] = [];
    const server = http.createServer((req, res) => {
      arrived.push(`${req.socket.localAddress} ${req.headers.host}`);
      res.writeHead(200).end('<h1>CRM</h1>');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const { iis } = await setup(`http/*:${port}:,https/*:443:crm.azienda.local`);
      const site = { ...CRM, url: `http://localhost:${port}/` };
      await iis.request(site, 'outside');
      await iis.lockOut(site, '<h1>x</h1>');
      await iis.request(site, 'loopback');
      await iis.request(site, 'outside');
      expect(arrived).toEqual([
        `127.0.0.2 127.0.0.2:${port}`,
        `127.0.0.1 localhost:${port}`,
        `127.0.0.2 127.0.0.2:${port}`,
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(outsideAddress({})).toBeNull();
  });
});
