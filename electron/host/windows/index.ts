import type { Databases, Host } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import { type ExecFileFn, execFileWithEnv } from './appcmd';
import { type WindowsIis, windowsIis } from './iis';
import { type OsFacts, hostEnvironment, powershellEnvironment, readOsFacts } from './environment';
import { type Env, type ProcessArch, powershellPath } from './paths';
import {
  type HostLog,
  type PowerShellLaunch,
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
  /** Tests: what would start powershell.exe (node-powershell by default), to see what it is given. */
  launchShell?: (launch: PowerShellLaunch) => ShellFactory;
  exec?: ExecFileFn;
  /** This process's environment: read for PORTABLE_EXECUTABLE_DIR and to confirm SystemRoot, nothing else. */
  env?: Env;
  /** Tests: what the operating system would say (readOsFacts by default). */
  os?: OsFacts;
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
  const arch = options.arch ?? process.arch;
  const platform = options.platform ?? process.platform;
  if (!options.shell && platform !== 'win32') {
    throw new UpgradeError(msg('windows.not-windows', { platform }));
  }
  const processEnv = options.env ?? process.env;
  // Everything below sees the environment built from the OS (environment.ts), never this process's.
  const facts = options.os ?? (await readOsFacts(processEnv, arch));
  options.log?.(
    'info',
    msg(facts.systemRootSource === 'kernel' ? 'windows.system-root.kernel' : 'windows.system-root.default', {
      dir: facts.systemRoot,
    }),
  );
  const env = hostEnvironment(facts, arch, processEnv);
  // PowerShell, appcmd, iisreset, taskkill and the setups: one fixed environment.
  const childEnv = powershellEnvironment(facts, arch);
  const launch = { executable: powershellPath(env, arch), env: childEnv };
  const powershell = createPowerShellRunner({
    scriptsDir: options.scriptsDir,
    shell: options.shell ?? (options.launchShell ?? nodePowerShellFactory)(launch),
    ...(options.log ? { log: options.log } : {}),
  });
  const exec = options.exec ?? execFileWithEnv(childEnv);
  const common = { env, arch, exec, ...(options.log ? { log: options.log } : {}) };
  const system = windowsSystem({ runner: powershell, env });
  return {
    system,
    iis: windowsIis({ runner: powershell, ...common, stateDir: () => system.stateDir() }),
    processes: windowsProcesses({ runner: powershell, env, arch, childEnv, exec }),
    databases: options.databases,
    powershell,
    dispose: () => powershell.dispose(),
  };
}
