import { access, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import type { CrmSite, Iis, PoolState } from '../../core/ports';
import { type IisFile, iisFileSchema, paths, readJson, serverFileSchema, writeJsonAtomic } from './layout';

/** How long the practice worker process takes to exit after a stop, like w3wp finishing its requests. */
export const WORKER_EXIT_MS = 300;
const APP_OFFLINE = 'app_offline.htm';

export function practiceIis(root: string): Iis & { siteByPhysicalPath(p: string): Promise<CrmSite | null> } {
  const p = paths(root);
  const load = () => readJson(p.iis, iisFileSchema);
  const save = (iis: IisFile) => writeJsonAtomic(p.iis, iis);

  async function poolState(pool: string): Promise<PoolState> {
    const iis = await load();
    const entry = iis.pools[pool];
    if (!entry) throw new UpgradeError(msg('iis.pool-unknown', { pool }));
    if (
      entry.state === 'stopping' &&
      Date.now() - Date.parse(entry.stopRequestedAt ?? '') >= WORKER_EXIT_MS
    ) {
      iis.pools[pool] = { state: 'stopped' };
      await save(iis);
      return 'stopped';
    }
    return entry.state;
  }

  const toSite = (s: IisFile['sites'][number]): CrmSite => ({
    siteName: s.name,
    appPath: s.appPath,
    physicalPath: p.resolve(s.physicalPath),
    pools: [s.pool],
    url: s.url,
  });

  return {
    status: async () => (await readJson(p.server, serverFileSchema)).iis,
    async findCrm(siteName) {
      const site = (await load()).sites.find((s) => s.name.toLowerCase() === siteName.toLowerCase());
      return site ? toSite(site) : null;
    },
    async siteByPhysicalPath(physical) {
      const want = path.resolve(physical);
      const site = (await load()).sites.find((s) => p.resolve(s.physicalPath) === want);
      return site ? toSite(site) : null;
    },
    poolState,
    async stopPool(pool, timeoutMs) {
      const iis = await load();
      const entry = iis.pools[pool];
      if (!entry) throw new UpgradeError(msg('iis.pool-unknown', { pool }));
      if (entry.state === 'started') {
        iis.pools[pool] = { state: 'stopping', stopRequestedAt: new Date().toISOString() };
        await save(iis);
      }
      const deadline = Date.now() + timeoutMs;
      while ((await poolState(pool)) !== 'stopped') {
        if (Date.now() > deadline)
          throw new UpgradeError(
            msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }),
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async startPool(pool) {
      const iis = await load();
      if (!iis.pools[pool]) throw new UpgradeError(msg('iis.pool-unknown', { pool }));
      iis.pools[pool] = { state: 'started' };
      await save(iis);
    },
    async setMaintenance(site, on, html) {
      const file = path.join(site.physicalPath, APP_OFFLINE);
      if (on) await writeFile(file, html);
      else await rm(file, { force: true });
    },
    async maintenanceOn(site) {
      return access(path.join(site.physicalPath, APP_OFFLINE)).then(
        () => true,
        () => false,
      );
    },
    async request(site) {
      const pool = site.pools[0];
      if (pool && (await poolState(pool)) !== 'started') return { status: 503, maintenance: false };
      if (await this.maintenanceOn(site)) return { status: 503, maintenance: true };
      const version = await readFile(path.join(site.physicalPath, 'bin', 'version.txt'), 'utf8').catch(
        () => null,
      );
      if (version === null) return { status: 500, maintenance: false };
      return { status: 200, version: version.trim(), maintenance: false };
    },
  };
}
