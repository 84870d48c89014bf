import type { Databases, Host } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import type { ExecFileFn } from './appcmd';
import { type WindowsIis, windowsIis } from './iis';
import { type Env, type ProcessArch, powershellPath } from './paths';
import {
  type HostLog,
  type PowerShellRunner,
  type ShellFactory,
  createPowerShellRunner,
  nodePowerShellFactory,
} from './powershell';
import { windowsProcesses } from './processes';
import { windowsSystem } from './system';

export { readConnectionStrings, readFileVersion } from './readers';
export type { PowerShellRunner } from './powershell';

export interface WindowsHostOptions {
  /** process.resourcesPath/scripts when packaged, the repo's resources/scripts from source. */
  scriptsDir: string;
  /** From host/windows/sql: windowsDatabases(...). */
  databases: Databases;
  log?: HostLog;
  /** Tests: a fake shell, environment and architecture. */
  shell?: ShellFactory;
  exec?: ExecFileFn;
  env?: Env;
  arch?: ProcessArch;
  platform?: NodeJS.Platform;
}

export type WindowsHost = Host & {
  iis: WindowsIis;
  /** The PowerShell session, for the few readers outside the ports (file version, encrypted connections). */
  powershell: PowerShellRunner;
  /** Ends the PowerShell session: an undisposed one keeps the process alive. */
  dispose(): Promise<void>;
};

/** The engine's host on a real Windows server. PowerShell starts on the first script, not here. */
export async function openWindowsHost(options: WindowsHostOptions): Promise<WindowsHost> {
  const env = options.env ?? process.env;
  const arch = options.arch ?? process.arch;
  const platform = options.platform ?? process.platform;
  if (!options.shell && platform !== 'win32') {
    throw new UpgradeError(msg('windows.not-windows', { platform }));
  }
  const powershell = createPowerShellRunner({
    scriptsDir: options.scriptsDir,
    shell: options.shell ?? nodePowerShellFactory({ executable: powershellPath(env, arch) }),
    ...(options.log ? { log: options.log } : {}),
  });
  const common = {
    env,
    arch,
    ...(options.exec ? { exec: options.exec } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  return {
    system: windowsSystem({ runner: powershell, env }),
    iis: windowsIis({ runner: powershell, ...common }),
    processes: windowsProcesses({ env, arch, ...(options.exec ? { exec: options.exec } : {}) }),
    databases: options.databases,
    powershell,
    dispose: () => powershell.dispose(),
  };
}
