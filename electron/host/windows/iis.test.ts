import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrmSite } from '../../core/ports';
import { UpgradeError } from '../../shared/message';
import type { ArgList, ExecFileFn } from './appcmd';
import { type FakePool, type FakeProcess, fakeIis } from './fixtures/fake-iis';
import { runnerAnswering } from './fixtures/fake-shell';
import { readPoolHold, releasePoolHold } from '../pool-hold';
import { APP_OFFLINE } from '../lockout';
import {
  APP_OFFLINE_MIN_BYTES,
  MAINTENANCE_MARKER,
  crmSiteFrom,
  iisStatusFrom,
  isSameWorker,
  maintenancePage,
  parseBindingInformation,
  siteUrl,
  splitSiteName,
  type WindowsIisOptions,
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
  const T1 = '2026-11-27T18:02:11.1234567Z';
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-pools-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** The host over a fake IIS, its state folder the test's own, polling at once. */
  const hostOver = (iis: ReturnType<typeof fakeIis>, extra: Partial<WindowsIisOptions> = {}) =>
    windowsIis({
      stateDir: async () => dir,
      runner: iis.runner,
      exec: iis.exec,
      env: ENV,
      pollMs: 1,
      ...extra,
    });

  /** The host over a fake IIS whose CRMAppPool runs one w3wp.exe (PID 4312), which exits once stopped unless told otherwise. */
  function crmPool(pool: Partial<FakePool> = {}, process: Partial<FakeProcess> = {}) {
    const iis = fakeIis(
      {
        pools: { CRMAppPool: { state: 'Started', autoStart: true, workers: [4312], ...pool } },
        processes: new Map([[4312, { name: 'w3wp', startTime: T1, looksLeft: 0, ...process }]]),
      },
      SCRIPTS_DIR,
    );
    return { iis, ports: hostOver(iis, { arch: 'x64' }) };
  }
  const appcmdArgs = (iis: ReturnType<typeof fakeIis>) =>
    iis.calls.filter((c) => c.file === APPCMD).map((c) => c.args.join(' '));

  it('records the w3wp.exe PIDs, sets autoStart false, stops, and waits until those processes are gone', async () => {
    const { iis, ports } = crmPool({ listedAfterStop: 1 }, { looksLeft: 2 });
    expect(await ports.stopPool('CRMAppPool', 5_000)).toEqual({ autoStart: true, workers: [4312] });
    expect(iis.server.processes.has(4312)).toBe(false);
    expect(iis.server.pools.CRMAppPool).toMatchObject({ state: 'Stopped', autoStart: false });
    expect(appcmdArgs(iis).slice(0, 5)).toEqual([
      'list apppool /apppool.name:CRMAppPool',
      'list wp /apppool.name:CRMAppPool',
      'list apppool /apppool.name:CRMAppPool /text:autoStart',
      'set apppool /apppool.name:CRMAppPool /autoStart:false',
      'stop apppool /apppool.name:CRMAppPool',
    ]);
    // Recorded on the server before autoStart changed: what a start after a crash puts back.
    expect(await readPoolHold(dir, 'CRMAppPool')).toMatchObject({
      pool: 'CRMAppPool',
      autoStart: true,
      workers: [{ pid: 4312, startTime: T1 }],
    });
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
  });

  it('does not take a w3wp.exe that appcmd no longer lists, still finishing its requests, for gone', async () => {
    const { iis, ports } = crmPool({ listedAfterStop: 0 }, { looksLeft: 3 });
    let looks = 0;
    const counted = iis.runner.run.bind(iis.runner);
    iis.runner.run = ((script, params) => {
      if (script === 'Get-ProcessesById') looks++;
      return counted(script, params);
    }) as typeof iis.runner.run;
    await ports.stopPool('CRMAppPool', 5_000);
    // One look to record it, then three that still find it, then the one that does not.
    expect(looks).toBe(5);
    expect(iis.server.processes.has(4312)).toBe(false);
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
  });

  it('reads a stopped pool whose recorded worker still runs as stopping, and a PID given to a later process as gone', async () => {
    // It never exits by itself.
    const { iis, ports } = crmPool({ listedAfterStop: 0 }, { looksLeft: undefined });
    const timeout = (await ports.stopPool('CRMAppPool', 20).catch((e: unknown) => e)) as UpgradeError;
    expect(timeout.message_).toEqual({
      key: 'iis.pool-stop-timeout',
      params: { pool: 'CRMAppPool', seconds: 0 },
    });
    expect(await ports.poolState('CRMAppPool')).toBe('stopping');
    // Windows gave PID 4312 to another process: another start time (or another name) is not our w3wp.exe.
    iis.server.processes.set(4312, { name: 'w3wp', startTime: '2026-11-27T18:09:00.0000000Z' });
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
    iis.server.processes.set(4312, { name: 'notepad', startTime: T1 });
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
    expect(isSameWorker({ pid: 4312, startTime: null }, { pid: 4312, name: 'W3WP', startTime: T1 })).toBe(
      true,
    );
  });

  it('keeps the pool stopped through an iisreset, and puts its autoStart back when it starts it', async () => {
    const { iis, ports } = crmPool();
    await ports.stopPool('CRMAppPool', 5_000);
    // What a vendor's setup may do: iisreset starts every pool whose autoStart is true.
    iis.iisreset();
    expect(iis.server.pools.CRMAppPool!.state).toBe('Stopped');
    expect(await ports.startPool('CRMAppPool')).toEqual({ autoStart: true });
    expect(iis.server.pools.CRMAppPool).toMatchObject({ state: 'Started', autoStart: true });
    expect(await readPoolHold(dir, 'CRMAppPool')).toBeNull();
  });

  it('keeps the first record on a retry, and never restores a false it set itself', async () => {
    const { iis, ports } = crmPool();
    await ports.stopPool('CRMAppPool', 5_000);
    // The run crashed and stops the pool again: autoStart now reads false, the record still says true.
    expect(await ports.stopPool('CRMAppPool', 5_000)).toMatchObject({ autoStart: true });
    await ports.startPool('CRMAppPool');
    expect(iis.server.pools.CRMAppPool!.autoStart).toBe(true);
  });

  it('puts back the journal’s autoStart when the server’s record is gone, and leaves it alone when nobody knows', async () => {
    const { iis, ports } = crmPool();
    await ports.stopPool('CRMAppPool', 5_000);
    await releasePoolHold(dir, 'CRMAppPool');
    expect(await ports.startPool('CRMAppPool', { autoStart: true })).toEqual({ autoStart: true });
    expect(iis.server.pools.CRMAppPool!.autoStart).toBe(true);

    // A pool the admin keeps on autoStart false, which the run never held: it stays so.
    const other = crmPool({ state: 'Stopped', autoStart: false, workers: [] });
    expect(await other.ports.startPool('CRMAppPool')).toEqual({ autoStart: false });
    expect(other.iis.server.pools.CRMAppPool).toMatchObject({ state: 'Started', autoStart: false });
  });

  it('the server’s record outranks the journal', async () => {
    const { iis, ports } = crmPool({ autoStart: false });
    await ports.stopPool('CRMAppPool', 5_000);
    expect(await ports.startPool('CRMAppPool', { autoStart: true })).toEqual({ autoStart: false });
    expect(iis.server.pools.CRMAppPool!.autoStart).toBe(false);
  });

  it('starts WAS and W3SVC left stopped by a setup before the pool, instead of failing on its unreadable state', async () => {
    const { iis, ports } = crmPool();
    await ports.stopPool('CRMAppPool', 5_000);
    iis.server.services.WAS = 'Stopped';
    iis.server.services.W3SVC = 'Stopped';
    // appcmd says state:Unknown while they are stopped: no pool runs then.
    expect(await ports.poolState('CRMAppPool')).toBe('stopped');
    await ports.startPool('CRMAppPool');
    expect(iis.server.services).toEqual({ WAS: 'Running', W3SVC: 'Running' });
    expect(iis.server.pools.CRMAppPool).toMatchObject({ state: 'Started', autoStart: true });
    const net = iis.calls.filter((c) => c.file !== APPCMD);
    expect(net).toEqual([
      { file: 'C:\\Windows\\System32\\net.exe', args: ['start', 'WAS'] },
      { file: 'C:\\Windows\\System32\\net.exe', args: ['start', 'W3SVC'] },
    ]);
  });

  it('ensureWebServices says what it found and started, and names a service that will not start', async () => {
    const { iis, ports } = crmPool();
    expect(await ports.ensureWebServices()).toEqual({ was: 'Running', w3svc: 'Running', started: [] });
    expect(iis.calls).toEqual([]);
    iis.server.services.W3SVC = 'Stopped';
    expect(await ports.ensureWebServices()).toEqual({ was: 'Running', w3svc: 'Stopped', started: ['W3SVC'] });
    iis.server.services.W3SVC = 'Stopped';
    iis.server.disabled.add('W3SVC');
    const err = (await ports.ensureWebServices().catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'iis.web-services-not-running',
      params: { services: 'W3SVC (Stopped)' },
    });
    expect(err.detail).toContain('net start W3SVC: exit 2');
    iis.server.services.WAS = 'missing';
    await expect(ports.ensureWebServices()).rejects.toMatchObject({
      message_: { key: 'iis.web-services-missing', params: { services: 'WAS' } },
    });
  });

  it('names a state it cannot read while the services run, and an unknown pool', async () => {
    const { ports } = crmPool();
    const unknown = (await ports.poolState('Nope').catch((e: unknown) => e)) as UpgradeError;
    expect(unknown.message_).toEqual({ key: 'iis.pool-unknown', params: { pool: 'Nope' } });
    expect(unknown.detail).toBe('Cannot find APPPOOL object with identifier "Nope".');
    const exec: ExecFileFn = async () => ({
      code: 0,
      stdout: 'APPPOOL "Wsus" (MgdVersion:v4.0,MgdMode:Integrated,state:Unknown)\r\n',
      stderr: '',
    });
    const runner = fakeIis({ pools: {} }, SCRIPTS_DIR).runner;
    const state = (await windowsIis({ stateDir: async () => dir, runner, exec, env: ENV })
      .poolState('Wsus')
      .catch((e: unknown) => e)) as UpgradeError;
    expect(state.message_).toEqual({
      key: 'iis.pool-state-unknown',
      params: { pool: 'Wsus', state: 'Unknown' },
    });
  });

  it('does not ask appcmd to stop a pool already stopped', async () => {
    const iis = fakeIis(
      { pools: { 'CRM "Vecchio" Pool': { state: 'Stopped', autoStart: true, workers: [] } } },
      SCRIPTS_DIR,
    );
    await hostOver(iis).stopPool('CRM "Vecchio" Pool', 1_000);
    expect(iis.calls.map((c) => c.args[0])).not.toContain('stop');
    expect(iis.calls[0]!.args).toEqual(['list', 'apppool', '/apppool.name:CRM "Vecchio" Pool']);
    expect(iis.server.pools['CRM "Vecchio" Pool']!.autoStart).toBe(false);
  });

  it('starts a stopped pool, and leaves a started one alone', async () => {
    const iis = fakeIis(
      {
        pools: {
          CRMAppPool: { state: 'Stopped', autoStart: true, workers: [] },
          Other: { state: 'Started', autoStart: true, workers: [] },
        },
      },
      SCRIPTS_DIR,
    );
    const ports = hostOver(iis);
    await ports.startPool('CRMAppPool');
    expect(await ports.poolState('CRMAppPool')).toBe('started');
    expect(appcmdArgs(iis).filter((a) => a.startsWith('start'))).toEqual([
      'start apppool /apppool.name:CRMAppPool',
    ]);
    await ports.startPool('Other');
    expect(appcmdArgs(iis).filter((a) => a.startsWith('start'))).toHaveLength(1);
  });

  it('uses Sysnative\\inetsrv\\appcmd.exe from a 32-bit process on 64-bit Windows', async () => {
    const iis = fakeIis(
      { pools: { CRMAppPool: { state: 'Started', autoStart: true, workers: [] } } },
      SCRIPTS_DIR,
    );
    const env = { SystemRoot: 'C:\\Windows', PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'AMD64' };
    await hostOver(iis, { env, arch: 'ia32' }).poolState('CRMAppPool');
    expect(iis.calls[0]!.file).toBe('C:\\Windows\\Sysnative\\inetsrv\\appcmd.exe');
  });

  it('reports appcmd that cannot run', async () => {
    const exec: ExecFileFn = async () => ({ code: null, stdout: '', stderr: '', error: 'spawn ENOENT' });
    const err = (await windowsIis({ stateDir: async () => dir, runner: noRunner, exec, env: ENV })
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
  // appcmd knows no such site: the request goes to the address the site's URL names.
  const noSuchSite: ExecFileFn = async () => ({
    code: 1,
    stdout: 'ERROR ( message:Cannot find SITE object with identifier "CRM". )\r\n',
    stderr: '',
  });
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
      exec: noSuchSite,
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
    expect(
      await windowsIis({ stateDir, runner: noRunner, exec: noSuchSite, env: ENV }).request(
        site(dir, `${base}/`),
      ),
    ).toEqual({
      status: 200,
      maintenance: false,
    });
  });

  it('names an address that does not answer, and a site without an http binding', async () => {
    const ports = windowsIis({
      stateDir,
      runner: noRunner,
      exec: noSuchSite,
      env: ENV,
      requestTimeoutMs: 2_000,
    });
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
