import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appcmdAddPool,
  appcmdAddSite,
  appcmdDeletePool,
  appcmdDeleteSite,
  appcmdListSite,
  appcmdListSiteBindings,
  appcmdSetAppPool,
  appcmdSetSiteBindings,
  appcmdStartSite,
  parseSiteBindings,
  appcmdListPool,
  appcmdListWorkerProcesses,
  appcmdStartPool,
  appcmdStopPool,
  execFileNoShell,
  iisresetArgs,
  parseAppPoolList,
  parseAppcmdError,
  parseWorkerProcessList,
  poolStateOf,
  taskkillTreeArgs,
} from './appcmd';
import { INJECTION_CORPUS } from './fixtures/corpus';
import {
  appcmdPath,
  expandEnvironmentVariables,
  iisresetPath,
  nativeSystemDir,
  powershellPath,
  taskkillPath,
} from './paths';

/*
 * Windows only, not provable here: how appcmd.exe, iisreset.exe and taskkill.exe parse the
 * command line Node builds from these arrays (MSVCRT quoting; a value with `"` is written as
 * `\"`), the exact text appcmd prints on an Italian server (the fixtures follow Microsoft's
 * documented format, in English), and its exit code and output when no worker process runs.
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('argument arrays', () => {
  it('for appcmd, one element per argument, the name glued to its switch', () => {
    expect(appcmdListPool('CRMAppPool')).toEqual(['list', 'apppool', '/apppool.name:CRMAppPool']);
    expect(appcmdStopPool('CRMAppPool')).toEqual(['stop', 'apppool', '/apppool.name:CRMAppPool']);
    expect(appcmdStartPool('CRMAppPool')).toEqual(['start', 'apppool', '/apppool.name:CRMAppPool']);
    expect(appcmdListWorkerProcesses('CRMAppPool')).toEqual(['list', 'wp', '/apppool.name:CRMAppPool']);
  });

  it('keep a name with spaces or quotes as one argument', () => {
    expect(appcmdStopPool('CRM "Vecchio" Pool')).toEqual([
      'stop',
      'apppool',
      '/apppool.name:CRM "Vecchio" Pool',
    ]);
    expect(appcmdListWorkerProcesses('CRM Mobile')).toEqual(['list', 'wp', '/apppool.name:CRM Mobile']);
  });

  it.each(INJECTION_CORPUS.map((s) => [s]))('carry %j unchanged in a single element', (value) => {
    for (const build of [appcmdListPool, appcmdStopPool, appcmdStartPool, appcmdListWorkerProcesses]) {
      const args = build(value);
      expect(args).toHaveLength(3);
      expect(args[2]).toBe(`/apppool.name:${value}`);
    }
  });

  it('for iisreset', () => {
    expect(iisresetArgs('restart')).toEqual(['/RESTART']);
    expect(iisresetArgs('stop', { noForce: true, timeoutSeconds: 120 })).toEqual([
      '/STOP',
      '/NOFORCE',
      '/TIMEOUT:120',
    ]);
    expect(iisresetArgs('start', { timeoutSeconds: 0 })).toEqual(['/START', '/TIMEOUT:0']);
    expect(iisresetArgs('status', { noForce: true, timeoutSeconds: 5 })).toEqual(['/STATUS']);
    expect(() => iisresetArgs('stop', { timeoutSeconds: 1.5 })).toThrow(RangeError);
    expect(() => iisresetArgs('stop', { timeoutSeconds: -1 })).toThrow(RangeError);
  });

  it('for taskkill: the whole tree, forced', () => {
    expect(taskkillTreeArgs(4312)).toEqual(['/PID', '4312', '/T', '/F']);
    expect(() => taskkillTreeArgs(0)).toThrow(RangeError);
    expect(() => taskkillTreeArgs(Number.NaN)).toThrow(RangeError);
  });
});

describe('program paths', () => {
  const x64 = { SystemRoot: 'C:\\Windows', PROCESSOR_ARCHITECTURE: 'AMD64' };
  const wow64 = { SYSTEMROOT: 'D:\\WINDOWS', PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'AMD64' };
  const x86os = { windir: 'C:\\Windows', PROCESSOR_ARCHITECTURE: 'x86' };

  it('use System32 from a 64-bit process', () => {
    expect(appcmdPath(x64, 'x64')).toBe('C:\\Windows\\System32\\inetsrv\\appcmd.exe');
    expect(iisresetPath(x64, 'x64')).toBe('C:\\Windows\\System32\\iisreset.exe');
    expect(taskkillPath(x64, 'x64')).toBe('C:\\Windows\\System32\\taskkill.exe');
    expect(powershellPath(x64, 'x64')).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('use Sysnative from a 32-bit process on 64-bit Windows', () => {
    expect(appcmdPath(wow64, 'ia32')).toBe('D:\\WINDOWS\\Sysnative\\inetsrv\\appcmd.exe');
    expect(powershellPath(wow64, 'ia32')).toBe(
      'D:\\WINDOWS\\Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(taskkillPath(wow64, 'ia32')).toBe('D:\\WINDOWS\\Sysnative\\taskkill.exe');
  });

  it('use System32 from a 32-bit process on 32-bit Windows, where Sysnative does not exist', () => {
    expect(nativeSystemDir(x86os, 'ia32')).toBe('C:\\Windows\\System32');
    expect(appcmdPath({}, 'x64')).toBe('C:\\Windows\\System32\\inetsrv\\appcmd.exe');
  });

  it('expand %variables% the way [Environment]::ExpandEnvironmentVariables does', () => {
    expect(expandEnvironmentVariables('%SystemDrive%\\inetpub\\wwwroot\\CRM', { SYSTEMDRIVE: 'E:' })).toBe(
      'E:\\inetpub\\wwwroot\\CRM',
    );
    expect(expandEnvironmentVariables('%Nope%\\x %SystemDrive%', { SystemDrive: 'C:' })).toBe('%Nope%\\x C:');
    expect(expandEnvironmentVariables('100% sure', {})).toBe('100% sure');
  });
});

describe('appcmd output', () => {
  it('lists application pools with their attributes and state', () => {
    expect(parseAppPoolList(fixture('appcmd-list-apppool.txt'))).toEqual([
      {
        name: 'DefaultAppPool',
        attributes: { MgdVersion: 'v4.0', MgdMode: 'Integrated', state: 'Started' },
        state: 'Started',
      },
      {
        name: '.NET v4.5',
        attributes: { MgdVersion: 'v4.0', MgdMode: 'Integrated', state: 'Started' },
        state: 'Started',
      },
      {
        name: 'CRMAppPool',
        attributes: { MgdVersion: 'v4.0', MgdMode: 'Integrated', state: 'Started' },
        state: 'Started',
      },
      {
        name: 'CRM Mobile',
        attributes: { MgdVersion: 'v4.0', MgdMode: 'Classic', state: 'Stopped' },
        state: 'Stopped',
      },
      {
        name: 'CRM "Vecchio"',
        attributes: { MgdVersion: '', MgdMode: 'Integrated', state: 'Stopping' },
        state: 'Stopping',
      },
      {
        name: 'WsusPool',
        attributes: { MgdVersion: 'v4.0', MgdMode: 'Integrated', state: 'Unknown' },
        state: 'Unknown',
      },
    ]);
    expect(parseAppPoolList('')).toEqual([]);
    expect(parseAppPoolList(fixture('appcmd-error-not-found.txt'))).toEqual([]);
  });

  it('lists worker processes by pid and pool', () => {
    expect(parseWorkerProcessList(fixture('appcmd-list-wp.txt'))).toEqual([
      { pid: 4312, pool: 'CRMAppPool' },
      { pid: 5120, pool: 'CRM Mobile' },
      { pid: 77, pool: 'DefaultAppPool' },
    ]);
    expect(parseWorkerProcessList('\r\n')).toEqual([]);
  });

  it('reads appcmd errors, on one line or several', () => {
    expect(parseAppcmdError(fixture('appcmd-error-not-found.txt'))).toBe(
      'Cannot find APPPOOL object with identifier "Nope".',
    );
    expect(parseAppcmdError(fixture('appcmd-error-already-stopped.txt'))).toBe(
      'Command execution failed. The service has not been started. (hresult 80070426)',
    );
    expect(parseAppcmdError(fixture('appcmd-list-wp.txt'))).toBeNull();
  });

  it('maps pool states to the port’s', () => {
    expect(['Started', 'Starting', 'Stopping', 'Stopped', 'Unknown', null].map(poolStateOf)).toEqual([
      'started',
      'started',
      'stopping',
      'stopped',
      null,
      null,
    ]);
  });
});

/** On Linux this proves there is no shell between us and the program; Windows' own quoting is the part above. */
describe('execFile without a shell', () => {
  it('delivers every corpus value as one argument, unchanged, and runs none of it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-exec-'));
    const marker = path.join(dir, 'pwned');
    const corpus = [
      ...INJECTION_CORPUS,
      `$(touch ${marker})`,
      `; touch ${marker}`,
      `\`touch ${marker}\``,
      `&& touch ${marker}`,
    ];
    try {
      const r = await execFileNoShell(
        process.execPath,
        ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...corpus],
        { timeoutMs: 10_000 },
      );
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(corpus);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves with the exit code, and with null and a reason on a timeout or a missing program', async () => {
    expect(
      (await execFileNoShell(process.execPath, ['-e', 'process.exit(3)'], { timeoutMs: 10_000 })).code,
    ).toBe(3);
    const slow = await execFileNoShell(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], {
      timeoutMs: 200,
    });
    expect(slow.code).toBeNull();
    expect(slow.error).toMatch(/timed out/);
    const missing = await execFileNoShell(path.join(os.tmpdir(), 'no-such-appcmd.exe'), [], {
      timeoutMs: 1_000,
    });
    expect(missing.code).toBeNull();
    expect(missing.error).toMatch(/ENOENT/);
  });
});

describe('argument arrays for the lockout (issue 11)', () => {
  const loopback = [
    { protocol: 'http', bindingInformation: '127.0.0.1:80:' },
    { protocol: 'http', bindingInformation: '[::1]:80:' },
  ];
  const original = [
    { protocol: 'http', bindingInformation: '*:80:' },
    { protocol: 'https', bindingInformation: '*:443:crm.azienda.local' },
  ];

  it('list, replace, add and remove sites and pools, one element per argument', () => {
    expect(appcmdListSiteBindings('CRM')).toEqual(['list', 'site', '/site.name:CRM', '/text:bindings']);
    expect(appcmdListSite('CRM Mobile')).toEqual(['list', 'site', '/site.name:CRM Mobile']);
    expect(appcmdSetSiteBindings('CRM', loopback)).toEqual([
      'set',
      'site',
      '/site.name:CRM',
      '/bindings:http/127.0.0.1:80:,http/[::1]:80:',
    ]);
    expect(appcmdSetSiteBindings('CRM', original)).toEqual([
      'set',
      'site',
      '/site.name:CRM',
      '/bindings:http/*:80:,https/*:443:crm.azienda.local',
    ]);
    expect(
      appcmdAddSite(
        'CrmUpgradeMaintenance-CRM',
        'C:\\ProgramData\\CrmUpgradeManager\\lockout\\CRM',
        original,
      ),
    ).toEqual([
      'add',
      'site',
      '/name:CrmUpgradeMaintenance-CRM',
      '/physicalPath:C:\\ProgramData\\CrmUpgradeManager\\lockout\\CRM',
      '/bindings:http/*:80:,https/*:443:crm.azienda.local',
    ]);
    expect(appcmdDeleteSite('CrmUpgradeMaintenance-CRM')).toEqual([
      'delete',
      'site',
      '/site.name:CrmUpgradeMaintenance-CRM',
    ]);
    expect(appcmdStartSite('CrmUpgradeMaintenance-CRM')).toEqual([
      'start',
      'site',
      '/site.name:CrmUpgradeMaintenance-CRM',
    ]);
    expect(appcmdAddPool('CrmUpgradeMaintenance-CRM')).toEqual([
      'add',
      'apppool',
      '/name:CrmUpgradeMaintenance-CRM',
      '/managedRuntimeVersion:v4.0',
      '/managedPipelineMode:Integrated',
    ]);
    expect(appcmdDeletePool('CrmUpgradeMaintenance-CRM')).toEqual([
      'delete',
      'apppool',
      '/apppool.name:CrmUpgradeMaintenance-CRM',
    ]);
    expect(appcmdSetAppPool('CrmUpgradeMaintenance-CRM', 'CrmUpgradeMaintenance-CRM')).toEqual([
      'set',
      'app',
      'CrmUpgradeMaintenance-CRM/',
      '/applicationPool:CrmUpgradeMaintenance-CRM',
    ]);
  });

  it.each(INJECTION_CORPUS.map((s) => [s]))(
    'carry the site name %j unchanged in a single element',
    (value) => {
      expect(appcmdListSiteBindings(value)[2]).toBe(`/site.name:${value}`);
      expect(appcmdSetSiteBindings(value, loopback)).toHaveLength(4);
      expect(appcmdDeleteSite(value)).toHaveLength(3);
    },
  );

  it('reads a site’s bindings as /text:bindings prints them', () => {
    expect(parseSiteBindings('http/*:80:,https/*:443:crm.azienda.local,net.tcp/808:*\r\n')).toEqual([
      ...original,
      { protocol: 'net.tcp', bindingInformation: '808:*' },
    ]);
    expect(parseSiteBindings('http/[::1]:80:,http/127.0.0.1:80:')).toEqual([
      { protocol: 'http', bindingInformation: '[::1]:80:' },
      { protocol: 'http', bindingInformation: '127.0.0.1:80:' },
    ]);
    expect(parseSiteBindings('')).toEqual([]);
  });
});
