import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import type { CrmResponse, CrmSite, Iis, PoolState } from '../../core/ports';
import {
  APP_OFFLINE,
  bindingsToRestore,
  isWeb,
  maintenanceSiteName,
  prepareLockout,
  publicBindings,
  readLockoutRecord,
  removeLockoutRecord,
} from '../lockout';
import { type IisFile, iisFileSchema, paths, readJson, serverFileSchema, writeJsonAtomic } from './layout';

/** How long the practice worker process takes to exit after a stop, like w3wp finishing its requests. */
export const WORKER_EXIT_MS = 300;

/** `stateDir` is the practice system's: the state folder, protected as on a server. */
export function practiceIis(
  root: string,
  stateDir: () => Promise<string>,
): Iis & { siteByPhysicalPath(p: string): Promise<CrmSite | null> } {
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

  // As ASP.NET does: a 503 while an app_offline.htm lies in the site's folder.
  const appOffline = (site: CrmSite) =>
    access(path.join(site.physicalPath, APP_OFFLINE)).then(
      () => true,
      () => false,
    );

  // The site's folder as IIS's file names it: inside the practice folder, links included, or refused.
  const toSite = async (s: IisFile['sites'][number]): Promise<CrmSite> => ({
    siteName: s.name,
    appPath: s.appPath,
    physicalPath: await p.resolveReal(s.physicalPath, p.iis),
    pools: [s.pool],
    url: s.url,
  });

  return {
    status: async () => (await readJson(p.server, serverFileSchema)).iis,
    async findCrm(siteName) {
      const site = (await load()).sites.find(
        (s) => s.maintenanceOf === undefined && s.name.toLowerCase() === siteName.toLowerCase(),
      );
      return site ? toSite(site) : null;
    },
    async siteByPhysicalPath(physical) {
      const want = path.resolve(physical);
      const site = (await load()).sites.find((s) => p.resolve(s.physicalPath, p.iis) === want);
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
    /**
     * Where a request lands, as HTTP.sys decides by bindings: from outside, on the site when it
     * has a public binding, else on the maintenance site holding them (503, the page), else
     * nowhere (404); from this server, on the site while it has any web binding (loopback ones
     * included).
     */
    async request(site, from = 'outside'): Promise<CrmResponse> {
      const iis = await load();
      const entry = iis.sites.find((s) => s.name === site.siteName && s.maintenanceOf === undefined);
      if (entry) {
        const reachable =
          from === 'outside' ? publicBindings(entry.bindings).length > 0 : entry.bindings.some(isWeb);
        if (!reachable) {
          const maintenance = iis.sites.find((s) => s.maintenanceOf === entry.name);
          if (maintenance && publicBindings(maintenance.bindings).length > 0)
            return { status: 503, maintenance: true };
          return { status: 404, maintenance: false };
        }
      }
      const pool = site.pools[0];
      if (pool && (await poolState(pool)) !== 'started') return { status: 503, maintenance: false };
      if (await appOffline(site)) return { status: 503, maintenance: true };
      const version = await readFile(path.join(site.physicalPath, 'bin', 'version.txt'), 'utf8').catch(
        () => null,
      );
      if (version === null) return { status: 500, maintenance: false };
      return { status: 200, version: version.trim(), maintenance: false };
    },

    async lockOut(site, html) {
      const iis = await load();
      const entry = iis.sites.find((s) => s.name === site.siteName && s.maintenanceOf === undefined);
      if (!entry) throw new UpgradeError(msg('check.installation.no-site.finding', { site: site.siteName }));
      // 1. The original bindings, on the server, before anything changes (kept on a retry), and
      // 2. the maintenance page in its own folder.
      const { lockout, folder } = await prepareLockout(
        await stateDir(),
        entry.name,
        entry.appPath,
        entry.bindings,
        html,
      );
      // 3. The site on loopback only, then 4. the maintenance site on the public bindings.
      entry.bindings = lockout.locked.map((b) => ({ ...b }));
      const name = maintenanceSiteName(entry.name);
      iis.sites = iis.sites.filter((s) => s.name !== name);
      iis.sites.push({
        name,
        appPath: '/',
        physicalPath: path.relative(root, folder).split(path.sep).join('/'),
        pool: '',
        url: '',
        bindings: publicBindings(lockout.original),
        maintenanceOf: entry.name,
      });
      await save(iis);
      return lockout;
    },

    async endLockout(site, recorded) {
      const dir = await stateDir();
      const kept = await readLockoutRecord(dir, site.siteName);
      const iis = await load();
      const entry = iis.sites.find((s) => s.name === site.siteName && s.maintenanceOf === undefined);
      const maintenance = iis.sites.find((s) => s.maintenanceOf === site.siteName);
      const original = bindingsToRestore(
        kept,
        recorded,
        maintenance?.bindings ?? null,
        entry?.bindings ?? null,
      );
      if (!original && !maintenance) return null;
      // The maintenance site first (it holds the public bindings), then the site's own back.
      iis.sites = iis.sites.filter((s) => s.maintenanceOf !== site.siteName);
      if (entry && original) entry.bindings = original.map((b) => ({ ...b }));
      await save(iis);
      await removeLockoutRecord(dir, site.siteName);
      return original;
    },
  };
}
