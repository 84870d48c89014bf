import { mkdir, statfs } from 'node:fs/promises';
import type { System } from '../../core/ports';
import { paths, readJson, serverFileSchema } from './layout';

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
