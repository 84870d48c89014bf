import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import type { CrmResponse, CrmSite, Iis, PoolState, WebServices } from '../../core/ports';
import { holdPool, readPoolHold, releasePoolHold } from '../pool-hold';
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

/**
 * WAS starting (an iisreset, a setup restarting IIS, the services started again): every pool
 * whose autoStart is true runs, every other one is stopped, whatever it was before.
 */
export function webServicesStarted(iis: IisFile): IisFile {
  const pools = Object.fromEntries(
    Object.entries(iis.pools).map(([name, { stopRequestedAt: _gone, ...pool }]) => [
      name,
      { ...pool, state: pool.autoStart === false ? ('stopped' as const) : ('started' as const) },
    ]),
  );
  return { ...iis, pools };
}

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
    // No pool runs while the web services are stopped (the Windows host reads the same then).
    if ((await readJson(p.server, serverFileSchema)).iis.w3svc !== 'running') return 'stopped';
    if (
      entry.state === 'stopping' &&
      Date.now() - Date.parse(entry.stopRequestedAt ?? '') >= WORKER_EXIT_MS
    ) {
      const { stopRequestedAt: _gone, ...rest } = entry;
      iis.pools[pool] = { ...rest, state: 'stopped' };
      await save(iis);
      return 'stopped';
    }
    return entry.state;
  }

  /** The practice server's W3SVC stands for both services: stopped, no pool runs; started, WAS starts the autoStart ones. */
  async function ensureWebServices(): Promise<WebServices> {
    const server = await readJson(p.server, serverFileSchema);
    if (server.iis.w3svc === 'missing')
      throw new UpgradeError(msg('iis.web-services-missing', { services: 'WAS, W3SVC' }));
    if (server.iis.w3svc === 'running') return { was: 'Running', w3svc: 'Running', started: [] };
    await writeJsonAtomic(p.server, { ...server, iis: { ...server.iis, w3svc: 'running' } });
    await save(webServicesStarted(await load()));
    return { was: 'Stopped', w3svc: 'Stopped', started: ['WAS', 'W3SVC'] };
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
    ensureWebServices,
    /** As on a server: autoStart recorded in the state folder, then false, then the stop. */
    async stopPool(pool, timeoutMs) {
      const iis = await load();
      const entry = iis.pools[pool];
      if (!entry) throw new UpgradeError(msg('iis.pool-unknown', { pool }));
      const autoStart = entry.autoStart ?? true;
      const hold = await holdPool(await stateDir(), pool, () => Promise.resolve({ autoStart, workers: [] }));
      iis.pools[pool] = { ...entry, autoStart: false };
      if (entry.state === 'started')
        iis.pools[pool] = {
          ...entry,
          autoStart: false,
          state: 'stopping',
          stopRequestedAt: new Date().toISOString(),
        };
      await save(iis);
      const deadline = Date.now() + timeoutMs;
      while ((await poolState(pool)) !== 'stopped') {
        if (Date.now() > deadline)
          throw new UpgradeError(
            msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }),
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      return { autoStart: hold.autoStart, workers: [] };
    },
    /** The services first, then autoStart as recorded (the state folder's, else the journal's), then the start. */
    async startPool(pool, recorded) {
      if (!(await load()).pools[pool]) throw new UpgradeError(msg('iis.pool-unknown', { pool }));
      await ensureWebServices();
      const dir = await stateDir();
      const hold = await readPoolHold(dir, pool);
      const iis = await load();
      const { stopRequestedAt: _gone, ...entry } = iis.pools[pool]!;
      const autoStart = hold?.autoStart ?? recorded?.autoStart ?? entry.autoStart ?? true;
      iis.pools[pool] = { ...entry, autoStart, state: 'started' };
      await save(iis);
      await releasePoolHold(dir, pool);
      return { autoStart };
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
      // ASP.NET 2.0 answers app_offline.htm with a 404, ASP.NET 4 with a 503.
      const runtime = pool ? iis.pools[pool]?.managedRuntimeVersion : undefined;
      if (await appOffline(site)) return { status: runtime === 'v2.0' ? 404 : 503, maintenance: true };
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
