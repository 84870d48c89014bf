import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { System } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import { type Env, driveOf, envGet, osArchFromEnv } from './paths';
import type { PowerShellRunner } from './powershell';
import { protectFolder } from './protected-folder';
import { readFileVersion } from './readers';

export const BACKUP_FOLDER = 'CrmUpgradeBackups';
export const STATE_FOLDER = 'CrmUpgradeManager';

export interface FixedDrive {
  /** `C:\` as [IO.DriveInfo] names it. */
  name: string;
  freeBytes: number;
}

/**
 * Where the folder backup goes by default: the local fixed drive with the most room, the
 * system drive when it ties or nothing else qualifies. Never the drive the upgrade manager runs
 * from (a USB stick can report itself as fixed), unless that is the system drive itself (the kit
 * was copied to C:).
 */
export function chooseBackupDrive(input: {
  drives: readonly FixedDrive[];
  systemDrive: string;
  appDir?: string | undefined;
}): string {
  const system = driveOf(input.systemDrive) ?? 'C:';
  const appDrive = input.appDir ? driveOf(input.appDir) : null;
  const candidates = input.drives
    .map((d) => ({ drive: driveOf(d.name), freeBytes: d.freeBytes }))
    .filter((d): d is { drive: string; freeBytes: number } => d.drive !== null)
    .filter((d) => d.drive === system || d.drive !== appDrive);
  let best: { drive: string; freeBytes: number } | undefined;
  for (const d of candidates) {
    if (!best || d.freeBytes > best.freeBytes || (d.freeBytes === best.freeBytes && d.drive === system))
      best = d;
  }
  return `${best?.drive ?? system}\\${BACKUP_FOLDER}`;
}

/**
 * The first call's answer, for every later call while it holds: a failure is forgotten, so the
 * next call asks again (a refused folder, once the admin has fixed it).
 */
function keptUnlessFailed<T>(ask: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    kept ??= ask().catch((err: unknown) => {
      kept = undefined;
      throw err;
    });
    return kept;
  };
}

export interface WindowsSystemOptions {
  runner: PowerShellRunner;
  env?: Env;
  /** os.release by default ("10.0.17763"). */
  release?: () => string;
}

export function windowsSystem(options: WindowsSystemOptions): System {
  const env = options.env ?? process.env;
  const { runner } = options;
  // Through Protect-Folder.ps1: a plain mkdir in C:\ inherits "Authenticated Users: Modify".
  const made = (dir: string) => protectFolder(runner, dir);
  // A run asks for these two folders many times, and each answer costs PowerShell scripts.
  const defaultBackupDir = keptUnlessFailed(async () => {
    const { result } = await runner.run('Get-FixedDrives', {});
    const dir = chooseBackupDrive({
      drives: result.drives,
      systemDrive: envGet(env, 'SystemDrive') ?? 'C:',
      appDir: envGet(env, 'PORTABLE_EXECUTABLE_DIR'),
    });
    return made(dir);
  });
  const stateDir = keptUnlessFailed(() =>
    made(path.win32.join(envGet(env, 'ProgramData') ?? 'C:\\ProgramData', STATE_FOLDER)),
  );
  return {
    mode: 'windows',
    hostname: async () => os.hostname(),
    // WindowsPrincipal.IsInRole(Administrator) in the session already open, rather than
    // `fsutil dirty query` (is-admin's way): it is the documented API, true only for the elevated
    // token under UAC, says which user it is for the log, and depends neither on fsutil being
    // present nor on an exit code that a localized or future fsutil may change. If PowerShell
    // itself cannot run, the IIS checks cannot either, and this check says so first.
    async isElevated() {
      const { result } = await runner.run('Get-Elevation', {});
      return result.elevated;
    },
    async osArch() {
      const fromEnv = osArchFromEnv(env);
      if (fromEnv) return fromEnv;
      const { result } = await runner.run('Get-OsArchitecture', {});
      const fromScript = osArchFromEnv({ PROCESSOR_ARCHITECTURE: result.architecture });
      if (!fromScript) throw new UpgradeError(msg('windows.arch-unknown', { arch: result.architecture }));
      return fromScript;
    },
    // Node asks RtlGetVersion: the real version, whatever the exe's compatibility manifest says.
    osVersion: async () => (options.release ?? os.release)(),
    async freeBytes(target) {
      // Node ≥ 18.15 has statfs on Windows too (GetDiskFreeSpace): the bytes available to this user.
      const st = await statfs(target);
      return st.bavail * st.bsize;
    },
    defaultBackupDir,
    async pendingReboot() {
      const { result } = await runner.run('Get-PendingReboot', {});
      return result.reasons;
    },
    // The version resource's FileVersion string (Get-FileVersion.ps1), see readers.fileVersionFrom.
    fileVersion: (file) => readFileVersion(runner, file),
    // Get-Process's StartTime, in UTC: the run lock records its own and compares, so a PID that
    // Windows gave to an unrelated process later does not hold the lock.
    async processStartTime(pid) {
      const { result } = await runner.run('Get-ProcessStartTime', { pid });
      return result.startTime;
    },
    stateDir,
    protectedFolder: made,
  };
}
