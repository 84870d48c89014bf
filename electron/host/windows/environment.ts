import { realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { type Env, type ProcessArch, driveOf, envGet } from './paths';

/**
 * The environment the Windows host works in, built from what the operating system says and never
 * inherited. An elevated process still gets the user's own variables (HKCU\Environment, which any
 * user writes), so SystemRoot, windir, PSModulePath, NODE_POWERSHELL, COR_PROFILER, TEMP and the
 * rest are whatever a non-admin may have put there.
 */

const win = path.win32;

/** What the operating system says, never the environment. */
export interface OsFacts {
  /** The Windows folder, as `C:\Windows`. */
  systemRoot: string;
  /** How it was learnt, for the log: the kernel's \SystemRoot link, or the standard folder confirmed. */
  systemRootSource: 'kernel' | 'default';
  /** From the process token (GetUserProfileDirectory, GetUserName), not from USERPROFILE. */
  userProfile: string;
  userName: string;
  computerName: string;
  /** A 32-bit process on 64-bit Windows (only there does the Sysnative alias exist). */
  wow64: boolean;
}

export interface OsProbe {
  /** The final path the OS resolves a name to (fs.realpath: GetFinalPathNameByHandle). */
  realpath(p: string): Promise<string>;
  exists(p: string): Promise<boolean>;
  userInfo(): { username: string; homedir: string };
  hostname(): string;
}

export const nodeOsProbe: OsProbe = {
  realpath: (p) => realpath(p),
  exists: (p) =>
    stat(p).then(
      () => true,
      () => false,
    ),
  userInfo: () => os.userInfo(),
  hostname: () => os.hostname(),
};

/**
 * The NT object namespace's \SystemRoot link, made by the kernel at boot and writable by no user;
 * `\\?\GLOBALROOT` reaches it without going through drive letters or the environment.
 */
export const KERNEL_SYSTEM_ROOT = '\\\\?\\GLOBALROOT\\SystemRoot';
const STANDARD_SYSTEM_ROOT = 'C:\\Windows';

// Control characters are exactly what is refused here.
// eslint-disable-next-line no-control-regex
const NOT_IN_A_NAME = /[<>:"/|?*\x00-\x1f]/;

/** `X:\…`: a local drive, absolute, without `.`/`..`, device, stream or wildcard syntax. */
export function isLocalWindowsPath(p: string): boolean {
  if (!/^[A-Za-z]:\\/.test(p)) return false;
  return p
    .slice(3)
    .split('\\')
    .every((part) => part !== '' && !/^\.{1,2}$/.test(part) && !NOT_IN_A_NAME.test(part));
}

const sameWindowsPath = (a: string, b: string) =>
  a.replace(/\\+$/, '').toLowerCase() === b.replace(/\\+$/, '').toLowerCase();

/**
 * The Windows folder. Node has no known-folders API and reg.exe would first need this very
 * folder, so: the kernel's own answer (realpath of \\?\GLOBALROOT\SystemRoot gives `C:\Windows`).
 * Failing that, C:\Windows, but only when it holds ntdll.dll and the environment names it too: an
 * environment naming another folder means C:\Windows may not be Windows at all (on a server
 * installed on D:, any user can create C:\Windows), so nothing is guessed and the host refuses.
 */
export async function resolveSystemRoot(
  parentEnv: Env,
  probe: OsProbe,
): Promise<{ dir: string; source: OsFacts['systemRootSource'] }> {
  const fromKernel = await probe.realpath(KERNEL_SYSTEM_ROOT).then(
    (p) => p.replace(/^\\\\\?\\/, ''),
    (err: unknown) => `(${String(err)})`,
  );
  if (isLocalWindowsPath(fromKernel)) return { dir: fromKernel, source: 'kernel' };
  const claimed = envGet(parentEnv, 'SystemRoot');
  if (
    claimed !== undefined &&
    sameWindowsPath(claimed, STANDARD_SYSTEM_ROOT) &&
    (await probe.exists(win.join(STANDARD_SYSTEM_ROOT, 'System32', 'ntdll.dll')))
  ) {
    return { dir: STANDARD_SYSTEM_ROOT, source: 'default' };
  }
  throw new UpgradeError(
    msg('windows.system-root-unknown', { claimed: claimed ?? '—' }),
    `${KERNEL_SYSTEM_ROOT} -> ${fromKernel}`,
  );
}

export async function readOsFacts(parentEnv: Env, arch: ProcessArch, probe = nodeOsProbe): Promise<OsFacts> {
  const { dir, source } = await resolveSystemRoot(parentEnv, probe);
  const user = probe.userInfo();
  return {
    systemRoot: dir,
    systemRootSource: source,
    userProfile: user.homedir,
    userName: user.username,
    computerName: probe.hostname(),
    wow64: arch === 'ia32' && (await probe.exists(win.join(dir, 'Sysnative'))),
  };
}

/** PROCESSOR_ARCHITECTURE as Windows sets it for a process of this architecture. */
const processorArchitecture = (arch: ProcessArch) =>
  arch === 'x64' ? 'AMD64' : arch === 'arm64' ? 'ARM64' : 'x86';

/**
 * What the host's own code reads (paths.ts, the state and backup folders, %SystemDrive% in IIS
 * paths): the OS facts only. PORTABLE_EXECUTABLE_DIR passes through: electron-builder's portable
 * launcher sets it, and it only names the drive the backups keep off.
 */
export function hostEnvironment(facts: OsFacts, arch: ProcessArch, parentEnv: Env): Env {
  const drive = driveOf(facts.systemRoot) ?? 'C:';
  const portable = envGet(parentEnv, 'PORTABLE_EXECUTABLE_DIR');
  return {
    SystemRoot: facts.systemRoot,
    windir: facts.systemRoot,
    SystemDrive: drive,
    ProgramData: `${drive}\\ProgramData`,
    PROCESSOR_ARCHITECTURE: processorArchitecture(arch),
    ...(facts.wow64 ? { PROCESSOR_ARCHITEW6432: 'AMD64' } : {}),
    ...(portable ? { PORTABLE_EXECUTABLE_DIR: portable } : {}),
  };
}

/**
 * The whole environment of the PowerShell child, nothing inherited: PSModulePath is the system
 * module folder only, TEMP the Windows one (admins only), and PSExecutionPolicyPreference,
 * __PSLockdownPolicy, COR_PROFILER, COMPlus_* and NODE_POWERSHELL are simply absent. libuv copies
 * a few variables from the parent when the given environment lacks them (HOMEDRIVE, HOMEPATH,
 * LOGONSERVER, PATH, SYSTEMDRIVE, SYSTEMROOT, TEMP, USERDOMAIN, USERNAME, USERPROFILE, WINDIR),
 * so each is set here, the two nothing we run reads to empty.
 */
export function powershellEnvironment(facts: OsFacts, arch: ProcessArch): Record<string, string> {
  const root = facts.systemRoot;
  const drive = driveOf(root) ?? 'C:';
  const system32 = win.join(root, 'System32');
  const home = facts.userProfile;
  const homeDrive = driveOf(home);
  const programFiles = `${drive}\\Program Files`;
  return {
    SystemRoot: root,
    windir: root,
    SystemDrive: drive,
    ComSpec: win.join(system32, 'cmd.exe'),
    Path: [system32, root, win.join(system32, 'Wbem'), win.join(system32, 'WindowsPowerShell', 'v1.0')].join(
      ';',
    ),
    PATHEXT: '.COM;.EXE;.BAT;.CMD',
    PSModulePath: win.join(system32, 'WindowsPowerShell', 'v1.0', 'Modules'),
    TEMP: win.join(root, 'Temp'),
    TMP: win.join(root, 'Temp'),
    ProgramData: `${drive}\\ProgramData`,
    ALLUSERSPROFILE: `${drive}\\ProgramData`,
    ProgramFiles: programFiles,
    ProgramW6432: programFiles,
    'ProgramFiles(x86)': `${drive}\\Program Files (x86)`,
    // The child is the native PowerShell (System32, or Sysnative from a 32-bit process).
    PROCESSOR_ARCHITECTURE: facts.wow64 ? 'AMD64' : processorArchitecture(arch),
    USERPROFILE: home,
    HOMEDRIVE: homeDrive ?? drive,
    HOMEPATH: homeDrive ? home.slice(2) || '\\' : '\\',
    USERNAME: facts.userName,
    COMPUTERNAME: facts.computerName,
    USERDOMAIN: '',
    LOGONSERVER: '',
  };
}
