import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { System } from '../../core/ports';
import { type Message, UpgradeError, msg } from '../../shared/message';
import { paths, readJson, serverFileSchema } from './layout';

/**
 * A process's start time on Linux: field 22 of `/proc/<pid>/stat` (clock ticks since boot),
 * counted after the command name's closing parenthesis (the name may hold spaces and
 * parentheses). Null where there is no /proc (macOS) or the process is gone.
 */
export async function procStartTime(pid: number, procRoot = '/proc'): Promise<string | null> {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

/** Why an existing folder is not this process's alone, as Linux can tell; null when it is. */
export function practiceFolderProblem(dir: string, st: Stats, platform = process.platform): Message | null {
  if (st.isSymbolicLink()) return msg('host-protection.folder-link', { dir });
  if (!st.isDirectory()) return msg('host-protection.folder-not-folder', { dir });
  // A practice edition on Windows: uids and mode bits mean nothing there; lstat still sees a junction.
  if (platform === 'win32' || !process.getuid) return null;
  if (st.uid !== process.getuid())
    return msg('host-protection.folder-owner', { dir, owner: `uid ${st.uid}` });
  if ((st.mode & 0o077) !== 0)
    return msg('host-protection.folder-open', {
      dir,
      who: `group/other (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`,
    });
  return null;
}

const lstatOrNull = (dir: string) =>
  lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });

/**
 * System.protectedFolder on the practice server, with what Linux observes for real: made with mode
 * 0o700 (the stand-in for "Administrators and SYSTEM only"); an existing one refused when it is a
 * symbolic link, belongs to another uid than this process's, or lets its group or others in.
 */
export async function protectPracticeFolder(dir: string): Promise<string> {
  if (!path.isAbsolute(dir)) throw new UpgradeError(msg('host-protection.folder-relative', { dir }));
  try {
    if (!(await lstatOrNull(dir))) {
      await mkdir(path.dirname(dir), { recursive: true });
      // Not recursive: EEXIST when someone made it in between, and then it is checked as theirs.
      await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    const st = await lstatOrNull(dir);
    const problem = st ? practiceFolderProblem(dir, st) : msg('host-protection.folder-failed', { dir });
    if (problem) throw new UpgradeError(problem, st ? `uid ${st.uid}, mode ${st.mode.toString(8)}` : 'gone');
    return dir;
  } catch (err) {
    if (err instanceof UpgradeError) throw err;
    throw new UpgradeError(msg('host-protection.folder-failed', { dir }), String(err));
  }
}

export function practiceSystem(root: string): System {
  const p = paths(root);
  const server = () => readJson(p.server, serverFileSchema);
  return {
    mode: 'practice',
    hostname: async () => (await server()).hostname,
    isElevated: async () => (await server()).elevated,
    osArch: async () => (await server()).osArch,
    osVersion: async () => (await server()).osVersion,
    async freeBytes(target) {
      const override = (await server()).freeBytes;
      if (override !== null) return override;
      const st = await statfs(target);
      return st.bavail * st.bsize;
    },
    pendingReboot: async () => (await server()).pendingReboot,
    // The practice CRM's DLLs are stand-ins without version resources; its profile reads a file.
    fileVersion: async () => null,
    // The practice server's processes are this machine's.
    processStartTime: (pid) => procStartTime(pid),
    stateDir: () => protectPracticeFolder(p.resolve('C/ProgramData/CrmUpgradeManager')),
    defaultBackupDir: () => protectPracticeFolder(p.resolve('C/CrmUpgradeBackups')),
    protectedFolder: (dir) => protectPracticeFolder(dir),
  };
}
