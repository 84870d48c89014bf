import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Databases } from '../../core/ports';
import { UpgradeError } from '../../shared/message';
import type { ExecFileFn } from './appcmd';
import { powershellEnvironment } from './environment';
import { SERVER_FACTS } from './fixtures/folder-and-os-facts';
import { openWindowsHost } from './index';
import { type PowerShellLaunch, RESULT_PREFIX, SESSION_INIT, type ShellFactory } from './powershell';

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const databases = {} as Databases;
describe('openWindowsHost', () => {
  it('composes the ports over one PowerShell session and the given Databases', async () => {
    let sessions = 0;
    const shell: ShellFactory = () => {
      sessions++;
      return {
        async invoke(command) {
          if (command === SESSION_INIT)
            return { stdout: 'CRMUM-READY 5.1.17763.1 FullLanguage\n', stderr: '' };
          const envelope = { ok: true, output: '{"elevated":true,"user":"x"}', warnings: [], error: null };
          return {
            stdout: `${RESULT_PREFIX}${Buffer.from(JSON.stringify(envelope)).toString('base64')}\n`,
            stderr: '',
          };
        },
        dispose: async () => undefined,
      };
    };
    const host = await openWindowsHost({
      scriptsDir: SCRIPTS_DIR,
      databases,
      shell,
      env: { PROCESSOR_ARCHITECTURE: 'AMD64' },
      os: SERVER_FACTS,
      arch: 'x64',
    });
    expect(host.databases).toBe(databases);
    expect(host.system.mode).toBe('windows');
    expect(sessions).toBe(0); // PowerShell starts on the first script, not on open
    expect(await host.system.isElevated()).toBe(true);
    expect(await host.system.isElevated()).toBe(true);
    expect(sessions).toBe(1);
    await host.dispose();
  });

  it('starts the system powershell.exe with an environment of its own, whatever this process was given', async () => {
    // What a non-admin user can put in HKCU\Environment, which the elevated process inherits.
    const planted = {
      SystemRoot: 'D:\\Evil',
      windir: 'D:\\Evil',
      SystemDrive: 'D:',
      ProgramData: 'D:\\Evil\\Data',
      NODE_POWERSHELL: 'D:\\Evil\\powershell.exe',
      PSModulePath: 'C:\\Users\\mario\\Documents\\WindowsPowerShell\\Modules',
      PSExecutionPolicyPreference: 'Unrestricted',
      __PSLockdownPolicy: '0',
      COR_ENABLE_PROFILING: '1',
      COR_PROFILER_PATH: 'D:\\Evil\\profiler.dll',
      ComSpec: 'D:\\Evil\\cmd.exe',
      PATHEXT: '.PS1;.EXE',
      Path: 'D:\\Evil',
      TEMP: 'C:\\Users\\mario\\AppData\\Local\\Temp',
      PORTABLE_EXECUTABLE_DIR: 'E:\\',
    };
    const launches: PowerShellLaunch[] = [];
    const ran: string[] = [];
    const exec: ExecFileFn = async (file) => {
      ran.push(file);
      return { code: 0, stdout: '', stderr: '' };
    };
    const host = await openWindowsHost({
      scriptsDir: SCRIPTS_DIR,
      databases,
      platform: 'win32',
      arch: 'x64',
      env: planted,
      os: SERVER_FACTS,
      exec,
      launchShell: (launch) => {
        launches.push(launch);
        return () => ({ invoke: () => new Promise(() => undefined), dispose: async () => undefined });
      },
    });
    expect(launches).toEqual([
      {
        executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        env: powershellEnvironment(SERVER_FACTS, 'x64'),
      },
    ]);
    const childValues = new Set(Object.values(launches[0]!.env));
    expect(Object.values(planted).filter((v) => childValues.has(v))).toEqual([]);
    expect(launches[0]!.env.PSModulePath).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\Modules');
    await host.iis.workerProcesses('CRM');
    expect(ran).toEqual(['C:\\Windows\\System32\\inetsrv\\appcmd.exe']);
    await host.dispose();
  });

  it('refuses to open the real host anywhere but Windows', async () => {
    const err = (await openWindowsHost({ scriptsDir: SCRIPTS_DIR, databases, platform: 'linux' }).catch(
      (e: unknown) => e,
    )) as UpgradeError;
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.message_).toEqual({ key: 'windows.not-windows', params: { platform: 'linux' } });
  });
});
