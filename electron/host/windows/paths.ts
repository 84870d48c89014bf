import path from 'node:path';

/**
 * Where Windows keeps the programs this host runs, and what the environment says about the
 * machine. Pure functions of an environment object and the process architecture, so the tests
 * run them on Linux with fixtures: process.env is case-insensitive on Windows, a fixture is not,
 * so every lookup here ignores case. On a server that object is the host's own, built from what
 * the OS says (environment.ts), never process.env, which any user can steer.
 */

export type Env = Readonly<Record<string, string | undefined>>;
export type ProcessArch = NodeJS.Architecture;

const win = path.win32;

/** An environment variable, by name in any case (Windows' own rule). */
export function envGet(env: Env, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(env)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function windowsDir(env: Env): string {
  return envGet(env, 'SystemRoot') ?? envGet(env, 'windir') ?? 'C:\\Windows';
}

/**
 * System32 as this process should name it. A 32-bit process on 64-bit Windows is redirected from
 * System32 to SysWOW64, where inetsrv\appcmd.exe is missing and 32-bit PowerShell cannot load
 * WebAdministration or read the 64-bit registry; Sysnative is the alias that reaches the real
 * System32 from such a process (and exists only there). PROCESSOR_ARCHITEW6432 is set only in
 * WOW64 processes.
 */
export function nativeSystemDir(env: Env, arch: ProcessArch): string {
  const wow64 = arch === 'ia32' && Boolean(envGet(env, 'PROCESSOR_ARCHITEW6432'));
  return win.join(windowsDir(env), wow64 ? 'Sysnative' : 'System32');
}

/** Absolute paths only: a bare name would be searched in the current folder (the USB stick) first. */
export const appcmdPath = (env: Env, arch: ProcessArch) =>
  win.join(nativeSystemDir(env, arch), 'inetsrv', 'appcmd.exe');
export const iisresetPath = (env: Env, arch: ProcessArch) =>
  win.join(nativeSystemDir(env, arch), 'iisreset.exe');
export const taskkillPath = (env: Env, arch: ProcessArch) =>
  win.join(nativeSystemDir(env, arch), 'taskkill.exe');
/** Windows Installer's client: an .msi setup runs through it. */
export const msiexecPath = (env: Env, arch: ProcessArch) =>
  win.join(nativeSystemDir(env, arch), 'msiexec.exe');
/** Windows PowerShell 5.1, 64-bit on a 64-bit OS (IISAdministration and the registry need it). */
export const powershellPath = (env: Env, arch: ProcessArch) =>
  win.join(nativeSystemDir(env, arch), 'WindowsPowerShell', 'v1.0', 'powershell.exe');

/**
 * The operating system's architecture, not the process's: a 32-bit process on 64-bit Windows
 * sees PROCESSOR_ARCHITECTURE=x86 and the OS's own in PROCESSOR_ARCHITEW6432. Null when the
 * environment does not say (then ask Get-OsArchitecture.ps1).
 */
export function osArchFromEnv(env: Env): 'x64' | 'x86' | 'arm64' | null {
  const raw = (envGet(env, 'PROCESSOR_ARCHITEW6432') || envGet(env, 'PROCESSOR_ARCHITECTURE') || '')
    .trim()
    .toUpperCase();
  switch (raw) {
    case 'AMD64':
    case 'X64':
    case 'EM64T':
      return 'x64';
    case 'X86':
      return 'x86';
    case 'ARM64':
      return 'arm64';
    default:
      return null;
  }
}

/**
 * `%Name%` references expanded from `env` as [Environment]::ExpandEnvironmentVariables does:
 * an unknown name stays as written. IIS stores paths like `%SystemDrive%\inetpub\wwwroot`.
 */
export function expandEnvironmentVariables(text: string, env: Env): string {
  return text.replace(/%([^%\r\n]+)%/g, (whole, name: string) => envGet(env, name) ?? whole);
}

/** The drive of an absolute Windows path, as `C:` (upper case), or null for a UNC or relative path. */
export function driveOf(p: string): string | null {
  const m = /^([A-Za-z]):/.exec(p);
  return m ? `${m[1]!.toUpperCase()}:` : null;
}
