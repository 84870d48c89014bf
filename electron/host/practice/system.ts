import { mkdir, readFile, statfs } from 'node:fs/promises';
import type { System } from '../../core/ports';
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

export function practiceSystem(root: string): System {
  const p = paths(root);
  const server = () => readJson(p.server, serverFileSchema);
  return {
    mode: 'practice',
    hostname: async () => (await server()).hostname,
    isElevated: async () => (await server()).elevated,
    osArch: async () => (await server()).osArch,
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
    async stateDir() {
      const dir = p.resolve('C/ProgramData/CrmUpgradeManager');
      await mkdir(dir, { recursive: true });
      return dir;
    },
    async defaultBackupDir() {
      const dir = p.resolve('C/CrmUpgradeBackups');
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
}
