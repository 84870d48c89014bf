import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CrmSite } from '../../core/ports';
import { UpgradeError } from '../../shared/message';
import type { ArgList, ExecFileFn } from './appcmd';
import { runnerAnswering } from './fixtures/fake-shell';
import { APP_OFFLINE } from '../lockout';
import {
  APP_OFFLINE_MIN_BYTES,
  MAINTENANCE_MARKER,
  crmSiteFrom,
  iisStatusFrom,
  maintenancePage,
  parseBindingInformation,
  siteUrl,
  splitSiteName,
  windowsIis,
} from './iis';

/*
 * Windows only: that Get-IisStatus.ps1 and Get-CrmSite.ps1 read a real IIS as their fixtures show
 * (the fixtures follow Get-ItemProperty's and Microsoft.Web.Administration's documented shapes),
 * that a stopped pool's w3wp.exe really leaves and appcmd stops listing it, that ASP.NET serves
 * app_offline.htm with a 503, and that HTTP.sys answers localhost for a `*` binding.
 */

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ENV = { SystemRoot: 'C:\\Windows', SystemDrive: 'C:', PROCESSOR_ARCHITECTURE: 'AMD64' };
const APPCMD = 'C:\\Windows\\System32\\inetsrv\\appcmd.exe';

/** appcmd over a little IIS in memory: pools with a state and worker processes that leave after some looks. */
function fakeAppcmd(pools: Record<string, { state: string; workers: number[]; workersLeaveAfter?: number }>) {
  const calls: { file: string; args: ArgList }[] = [];
  const exec: ExecFileFn = async (file, args) => {
    calls.push({ file, args });
    const name = (args[2] ?? '').replace(/^\/apppool\.name:/, '');
    const pool = pools[name];
    const verb = `${args[0]} ${args[1]}`;
    if (!pool)
      return {
        code: 1,
        stdout: `ERROR ( message:Cannot find APPPOOL object with identifier "${name}". )\r\n`,
        stderr: '',
      };
    switch (verb) {
      case 'list apppool':
        return {
          code: 0,
          stdout: `APPPOOL "${name}" (MgdVersion:v4.0,MgdMode:Integrated,state:${pool.state})\r\n`,
          stderr: '',
        };
      case 'list wp': {
        if (pool.state === 'Stopped' && pool.workersLeaveAfter !== undefined && pool.workersLeaveAfter-- <= 0)
          pool.workers = [];
        return {
          code: pool.workers.length ? 0 : 1,
          stdout: pool.workers.map((pid) => `WP "${pid}" (applicationPool:${name})\r\n`).join(''),
          stderr: '',
        };
      }
      case 'stop apppool':
        if (pool.state === 'Stopped')
          return {
            code: 1,
            stdout:
              'ERROR ( hresult:80070426, message:Command execution failed.\r\nThe service has not been started.\r\n )\r\n',
            stderr: '',
          };
        pool.state = 'Stopped';
        return { code: 0, stdout: `"${name}" successfully stopped.\r\n`, stderr: '' };
      case 'start apppool':
        pool.state = 'Started';
        pool.workers = [];
        return { code: 0, stdout: `"${name}" successfully started.\r\n`, stderr: '' };
      default:
        return { code: 1, stdout: 'ERROR ( message:Unknown verb )', stderr: '' };
    }
  };
  return { exec, calls };
}

const noRunner = runnerAnswering(SCRIPTS_DIR, {});
/** A stand-in: only a lockout and a loopback request use the state folder, and these tests make neither. */
const stateDir = () => Promise.reject(new Error('no state folder in these tests'));
const site = (physicalPath: string, url = ''): CrmSite => ({
  siteName: 'CRM',
  appPath: '/',
  physicalPath,
  pools: ['CRMAppPool'],
  url,
});

describe('IIS status from Get-IisStatus.ps1', () => {
  const inetStp = JSON.parse(fixture('get-itemproperty-inetstp.json')) as Record<string, unknown>;

  it('reads InetStp (as Get-ItemProperty writes it) and W3SVC', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, {
      'Get-IisStatus': JSON.stringify({ inetStp, w3svc: { Status: 'Running', StartType: 'Automatic' } }),
    });
    expect(await windowsIis({ stateDir, runner, env: ENV }).status()).toEqual({
      installed: true,
      version: '10.0',
      w3svc: 'running',
    });
  });

  it.each([
    [
      { inetStp: null, w3svc: null },
      { installed: false, version: null, w3svc: 'missing' },
    ],
    [
      { inetStp: { VersionString: 'Version 8.5' }, w3svc: { Status: 'Stopped' } },
      { installed: true, version: '8.5', w3svc: 'stopped' },
    ],
    // Get-Service's Status as the enum's number, when not cast to a string: 4 is Running, 1 Stopped.
    [
      { inetStp: { MajorVersion: 7, MinorVersion: 5 }, w3svc: { Status: 4 } },
      { installed: true, version: '7.5', w3svc: 'running' },
    ],
    [
      { inetStp: { MajorVersion: 10 }, w3svc: { Status: 1 } },
      { installed: true, version: '10.0', w3svc: 'stopped' },
    ],
    [
      { inetStp: { MajorVersion: 10, MinorVersion: 0 }, w3svc: { Status: 'StartPending' } },
      { installed: true, version: '10.0', w3svc: 'stopped' },
    ],
  ])('%j', async (answer, want) => {
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Get-IisStatus': JSON.stringify(answer) });
    expect(await windowsIis({ stateDir, runner, env: ENV }).status()).toEqual(want);
  });

  it('is a pure function of the script’s result', () => {
    expect(iisStatusFrom({ inetStp: null, w3svc: { Status: 'Running' } })).toEqual({
      installed: false,
      version: null,
      w3svc: 'running',
    });
  });
});

describe('finding the CRM with Get-CrmSite.ps1', () => {
  const recorded = fixture('get-crmsite.json');

  it('returns the site, its expanded physical path, pools and address', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Get-CrmSite': recorded });
    const found = await windowsIis({ stateDir, runner, env: ENV }).findCrm('CRM');
    expect(found).toEqual({
      siteName: 'CRM',
      appPath: '/',
      physicalPath: 'C:\\inetpub\\wwwroot\\CRM',
      pools: ['CRMAppPool', 'CRM Mobile'],
      url: 'http://localhost:8080/',
    });
    expect(runner.calls).toEqual([{ script: 'Get-CrmSite', params: { siteName: 'CRM', appPath: '/' } }]);
  });

  it('expands %SystemDrive% itself when the script did not', () => {
    const r = JSON.parse(recorded) as Record<string, unknown>;
    delete r.physicalPathExpanded;
    const s = crmSiteFrom(
      {
        ...(r as {
          found: true;
          name: string;
          id: number;
          state: string;
          applicationPath: string;
          physicalPath: string;
          applicationPools: string[];
          bindings: { protocol: string; bindingInformation: string }[];
        }),
      },
      { SYSTEMDRIVE: 'E:' },
    );
    expect(s?.physicalPath).toBe('E:\\inetpub\\wwwroot\\CRM');
  });

  it('logs a path that still holds a variable nobody could expand', async () => {
    const log = vi.fn();
    const r = {
      ...(JSON.parse(recorded) as object),
      physicalPathExpanded: null,
      physicalPath: '%CRM_HOME%\\web',
    };
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Get-CrmSite': JSON.stringify(r) });
    expect((await windowsIis({ stateDir, runner, env: ENV, log }).findCrm('CRM'))?.physicalPath).toBe(
      '%CRM_HOME%\\web',
    );
    expect(log).toHaveBeenCalledWith('warn', {
      key: 'iis.path-unexpanded',
      params: { path: '%CRM_HOME%\\web' },
    });
  });

  it('answers null when IIS hosts no such site or application', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Get-CrmSite': '{"found":false}' });
    expect(await windowsIis({ stateDir, runner, env: ENV }).findCrm('Nope')).toBeNull();
  });

  it('takes "Site/app" as an application inside a site', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, {
      'Get-CrmSite': '{"found":false,"name":"Default Web Site"}',
    });
    await windowsIis({ stateDir, runner, env: ENV }).findCrm('Default Web Site/CRM');
    expect(runner.calls[0]!.params).toEqual({ siteName: 'Default Web Site', appPath: '/CRM' });
    expect(splitSiteName('CRM*')).toEqual({ siteName: 'CRM*', appPath: '/' });
    expect(splitSiteName('Default Web Site/CRM/Mobile/')).toEqual({
      siteName: 'Default Web Site',
      appPath: '/CRM/Mobile',
    });
  });

  it.each([
    [[{ protocol: 'http', bindingInformation: '*:80:' }], '/', 'http://localhost/'],
    [
      [
        { protocol: 'https', bindingInformation: '*:443:crm.contoso.local' },
        { protocol: 'http', bindingInformation: '*:8080:' },
      ],
      '/',
      'http://localhost:8080/',
    ],
    [
      [
        { protocol: 'http', bindingInformation: '*:80:crm.contoso.local' },
        { protocol: 'http', bindingInformation: '10.0.0.5:81:' },
      ],
      '/',
      'http://10.0.0.5:81/',
    ],
    [
      [{ protocol: 'http', bindingInformation: '*:80:crm.contoso.local' }],
      '/CRM',
      'http://crm.contoso.local/CRM/',
    ],
    [[{ protocol: 'https', bindingInformation: '*:443:' }], '/Città', 'https://localhost/Citt%C3%A0/'],
    [[{ protocol: 'http', bindingInformation: '[::]:8080:' }], '/', 'http://localhost:8080/'],
    [[{ protocol: 'net.tcp', bindingInformation: '808:*' }], '/', ''],
  ])('address of %j at %s', (bindings, appPath, want) => {
    expect(siteUrl(bindings, appPath)).toBe(want);
  });

  it('parses bindingInformation', () => {
    expect(parseBindingInformation('*:80:')).toEqual({ ip: '*', port: 80, host: '' });
    expect(parseBindingInformation('[fe80::1]:8080:crm')).toEqual({
      ip: '[fe80::1]',
      port: 8080,
      host: 'crm',
    });
    expect(parseBindingInformation('808:*')).toBeNull();
  });
});

describe('application pools through appcmd', () => {
  it('stops a pool and waits until its worker processes are gone', async () => {
    const iis = fakeAppcmd({ CRMAppPool: { state: 'Started', workers: [4312], workersLeaveAfter: 2 } });
    const ports = windowsIis({
      stateDir,
      runner: noRunner,
      exec: iis.exec,
      env: ENV,
      arch: 'x64',
      pollMs: 5,
    });
    await ports.stopPool('CRMAppPool', 5_000);
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
    expect(iis.calls.every((c) => c.file === APPCMD)).toBe(true);
    expect(iis.calls.slice(0, 6).map((c) => c.args)).toEqual([
      ['list', 'apppool', '/apppool.name:CRMAppPool'],
      ['stop', 'apppool', '/apppool.name:CRMAppPool'],
      ['list', 'apppool', '/apppool.name:CRMAppPool'],
      ['list', 'wp', '/apppool.name:CRMAppPool'],
      ['list', 'apppool', '/apppool.name:CRMAppPool'],
      ['list', 'wp', '/apppool.name:CRMAppPool'],
    ]);
  });

  it('reports a stopped pool whose w3wp.exe still runs as stopping', async () => {
    const iis = fakeAppcmd({ CRMAppPool: { state: 'Stopped', workers: [4312] } });
    expect(
      await windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env: ENV }).poolState('CRMAppPool'),
    ).toBe('stopping');
  });

  it('gives up after the timeout when a worker process never leaves', async () => {
    const iis = fakeAppcmd({ CRMAppPool: { state: 'Started', workers: [4312] } });
    const ports = windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env: ENV, pollMs: 10 });
    const err = (await ports.stopPool('CRMAppPool', 120).catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'iis.pool-stop-timeout',
      params: { pool: 'CRMAppPool', seconds: 0 },
    });
  });

  it('does not ask appcmd to stop a pool already stopped', async () => {
    const iis = fakeAppcmd({ 'CRM "Vecchio" Pool': { state: 'Stopped', workers: [] } });
    await windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env: ENV, pollMs: 5 }).stopPool(
      'CRM "Vecchio" Pool',
      1_000,
    );
    expect(iis.calls.map((c) => c.args[0])).not.toContain('stop');
    expect(iis.calls[0]!.args).toEqual(['list', 'apppool', '/apppool.name:CRM "Vecchio" Pool']);
  });

  it('starts a stopped pool, and leaves a started one alone', async () => {
    const iis = fakeAppcmd({
      CRMAppPool: { state: 'Stopped', workers: [] },
      Other: { state: 'Started', workers: [] },
    });
    const ports = windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env: ENV, pollMs: 5 });
    await ports.startPool('CRMAppPool');
    expect(await ports.poolState('CRMAppPool')).toBe('started');
    expect(iis.calls.filter((c) => c.args[0] === 'start').map((c) => c.args)).toEqual([
      ['start', 'apppool', '/apppool.name:CRMAppPool'],
    ]);
    await ports.startPool('Other');
    expect(iis.calls.filter((c) => c.args[0] === 'start')).toHaveLength(1);
  });

  it('names an unknown pool, and a state it cannot read', async () => {
    const iis = fakeAppcmd({ Wsus: { state: 'Unknown', workers: [] } });
    const ports = windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env: ENV });
    const unknown = (await ports.poolState('Nope').catch((e: unknown) => e)) as UpgradeError;
    expect(unknown.message_).toEqual({ key: 'iis.pool-unknown', params: { pool: 'Nope' } });
    expect(unknown.detail).toBe('Cannot find APPPOOL object with identifier "Nope".');
    const state = (await ports.poolState('Wsus').catch((e: unknown) => e)) as UpgradeError;
    expect(state.message_).toEqual({
      key: 'iis.pool-state-unknown',
      params: { pool: 'Wsus', state: 'Unknown' },
    });
  });

  it('uses Sysnative\\inetsrv\\appcmd.exe from a 32-bit process on 64-bit Windows', async () => {
    const iis = fakeAppcmd({ CRMAppPool: { state: 'Started', workers: [] } });
    const env = { SystemRoot: 'C:\\Windows', PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'AMD64' };
    await windowsIis({ stateDir, runner: noRunner, exec: iis.exec, env, arch: 'ia32' }).poolState(
      'CRMAppPool',
    );
    expect(iis.calls[0]!.file).toBe('C:\\Windows\\Sysnative\\inetsrv\\appcmd.exe');
  });

  it('reports appcmd that cannot run', async () => {
    const exec: ExecFileFn = async () => ({ code: null, stdout: '', stderr: '', error: 'spawn ENOENT' });
    const err = (await windowsIis({ stateDir, runner: noRunner, exec, env: ENV })
      .poolState('CRMAppPool')
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'iis.command-failed',
      params: { command: 'appcmd.exe list apppool /apppool.name:CRMAppPool' },
    });
    expect(err.detail).toBe('spawn ENOENT');
  });

  it('runs iisreset with its switches and reads its exit code', async () => {
    const calls: { file: string; args: ArgList }[] = [];
    let code = 0;
    const exec: ExecFileFn = async (file, args) => {
      calls.push({ file, args });
      return { code, stdout: 'Internet services successfully restarted\r\n', stderr: '' };
    };
    const ports = windowsIis({ stateDir, runner: noRunner, exec, env: ENV, arch: 'x64' });
    await ports.iisreset('restart', { noForce: true, timeoutSeconds: 60 });
    expect(calls).toEqual([
      { file: 'C:\\Windows\\System32\\iisreset.exe', args: ['/RESTART', '/NOFORCE', '/TIMEOUT:60'] },
    ]);
    code = 5;
    const err = (await ports.iisreset('stop').catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({ key: 'iis.iisreset-failed', params: { code: 5 } });
  });
});

describe('the maintenance page (app_offline.htm)', () => {
  it('is padded to 512 bytes and carries our marker', () => {
    const page = maintenancePage('<p>In aggiornamento</p>');
    expect(Buffer.byteLength(page)).toBeGreaterThanOrEqual(APP_OFFLINE_MIN_BYTES);
    expect(page.startsWith('<p>In aggiornamento</p>')).toBe(true);
    expect(page).toContain(MAINTENANCE_MARKER);
    const long = `<p>${'x'.repeat(2000)}</p>`;
    expect(maintenancePage(long)).toBe(`${long}\n${MAINTENANCE_MARKER}\n`);
  });
});

describe('asking the CRM over HTTP', () => {
  let server: http.Server;
  let base = '';
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-http-'));
    // Stands for IIS: the app_offline.htm content with a 503 while it exists, like ASP.NET.
    server = http.createServer((req, res) => {
      const offline = (() => {
        try {
          return readFileSync(path.join(dir, APP_OFFLINE), 'utf8');
        } catch {
          return null;
        }
      })();
      if (req.url === '/pool-stopped/') return void res.writeHead(503).end('<h1>Service Unavailable</h1>');
      if (offline !== null) return void res.writeHead(503, { 'content-type': 'text/html' }).end(offline);
      res.writeHead(200, { 'x-crm-version': '7.8.5.13100517_x64' }).end('<html>CRM</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the status, the version where the profile says, and the maintenance page', async () => {
    const ports = windowsIis({
      stateDir,
      runner: noRunner,
      env: ENV,
      readVersion: ({ headers }) => headers.get('x-crm-version') ?? undefined,
    });
    expect(await ports.request(site(dir, `${base}/`))).toEqual({
      status: 200,
      version: '7.8.5.13100517_x64',
      maintenance: false,
    });
    // What the maintenance site answers during a lockout: our page, with a 503.
    await writeFile(path.join(dir, APP_OFFLINE), maintenancePage('<h1>In aggiornamento</h1>'));
    expect(await ports.request(site(dir, `${base}/`))).toEqual({ status: 503, maintenance: true });
    await rm(path.join(dir, APP_OFFLINE));
    expect(await ports.request(site(dir, `${base}/pool-stopped/`))).toEqual({
      status: 503,
      maintenance: false,
    });
  });

  it('without a version reader, reports no version', async () => {
    expect(await windowsIis({ stateDir, runner: noRunner, env: ENV }).request(site(dir, `${base}/`))).toEqual(
      {
        status: 200,
        maintenance: false,
      },
    );
  });

  it('names an address that does not answer, and a site without an http binding', async () => {
    const ports = windowsIis({ stateDir, runner: noRunner, env: ENV, requestTimeoutMs: 2_000 });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = (await ports
      .request(site(dir, `http://127.0.0.1:${port}/`))
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({ key: 'iis.request-failed', params: { url: `http://127.0.0.1:${port}/` } });
    const none = (await ports.request(site(dir, '')).catch((e: unknown) => e)) as UpgradeError;
    expect(none.message_).toEqual({ key: 'iis.no-http-binding', params: { site: 'CRM' } });
  });
});
