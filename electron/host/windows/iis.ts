import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  CrmResponse,
  CrmSite,
  Iis,
  IisStatus,
  PoolState,
  RequestOrigin,
  SiteBinding,
} from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import {
  APP_OFFLINE,
  LOOPBACK_IPS,
  bindingsToRestore,
  maintenanceSiteName,
  prepareLockout,
  publicBindings,
  readLockoutRecord,
  removeLockoutRecord,
} from '../lockout';
import {
  type ArgList,
  appcmdAddPool,
  appcmdAddSite,
  appcmdDeletePool,
  appcmdDeleteSite,
  appcmdListSite,
  appcmdListSiteBindings,
  appcmdSetAppPool,
  appcmdSetSiteBindings,
  appcmdStartSite,
  parseSiteBindings,
  type ExecFileFn,
  type ExecResult,
  type IisresetAction,
  appcmdListPool,
  appcmdListWorkerProcesses,
  appcmdStartPool,
  appcmdStopPool,
  execFileNoShell,
  iisresetArgs,
  parseAppPoolList,
  parseAppcmdError,
  parseWorkerProcessList,
  poolStateOf,
} from './appcmd';
import { type Env, type ProcessArch, appcmdPath, expandEnvironmentVariables, iisresetPath } from './paths';
import type { HostLog, PowerShellRunner, ScriptResult } from './powershell';

/** Proves an app_offline.htm is ours: only a file carrying it is ever overwritten or removed. */
export const MAINTENANCE_MARKER =
  '<!-- crm-upgrade-manager: maintenance page, removed when the upgrade ends -->';
/** Below this, old Internet Explorer shows its own "friendly" error instead of the page. */
export const APP_OFFLINE_MIN_BYTES = 512;

/** The page as written: the engine's HTML, the marker, and padding up to 512 bytes. */
export function maintenancePage(html: string): string {
  let page = `${html.replace(/\s*$/, '')}\n${MAINTENANCE_MARKER}\n`;
  const missing = APP_OFFLINE_MIN_BYTES - Buffer.byteLength(page, 'utf8');
  if (missing > 0) page += `<!-- ${'-'.repeat(Math.max(0, missing - 9))} -->\n`;
  return page;
}

export const isOurMaintenancePage = (content: string) => content.includes(MAINTENANCE_MARKER);

/**
 * The maintenance site's web.config: every request through ASP.NET, so that its app_offline.htm
 * answers each one with the page and a 503 (static files and extensionless URLs included).
 */
export const MAINTENANCE_WEB_CONFIG = `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.webServer>
    <modules runAllManagedModulesForAllRequests="true" />
    <defaultDocument enabled="false" />
  </system.webServer>
</configuration>
`;

/**
 * The address users would use: the site's own, with a loopback host name replaced by one of this
 * server's network addresses, so that HTTP.sys matches the public bindings, not the loopback ones.
 */
export function outsideUrl(url: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string {
  if (!url) return url;
  const u = new URL(url);
  if (![...LOOPBACK_IPS, 'localhost'].includes(u.hostname)) return url;
  const address = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .find((i) => !i.internal && i.family === 'IPv4')?.address;
  if (!address) return url;
  u.hostname = address;
  return u.toString();
}

const sameBindings = (a: readonly SiteBinding[], b: readonly SiteBinding[]) =>
  a.length === b.length &&
  a.every(
    (x, i) =>
      x.protocol.toLowerCase() === b[i]!.protocol.toLowerCase() &&
      x.bindingInformation.toLowerCase() === b[i]!.bindingInformation.toLowerCase(),
  );

/** Get-IisStatus.ps1's answer (InetStp values and W3SVC) as the port reports it. */
export function iisStatusFrom(r: ScriptResult<'Get-IisStatus'>): IisStatus {
  const stp = r.inetStp;
  let version: string | null = null;
  if (stp) {
    if (typeof stp.MajorVersion === 'number') version = `${stp.MajorVersion}.${stp.MinorVersion ?? 0}`;
    else version = /(\d+(?:\.\d+)*)/.exec(stp.VersionString ?? '')?.[1] ?? null;
  }
  const w3svc: IisStatus['w3svc'] = !r.w3svc
    ? 'missing'
    : r.w3svc.Status.toLowerCase() === 'running'
      ? 'running'
      : 'stopped';
  return { installed: stp !== null, version, w3svc };
}

/** `"*:80:"`, `"10.0.0.5:8080:crm.local"`, `"[::1]:80:"` → ip, port, host header. */
export function parseBindingInformation(info: string): { ip: string; port: number; host: string } | null {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+):(.*)$/.exec(info.trim());
  if (!m) return null;
  return { ip: m[1]!, port: Number(m[2]), host: m[3]! };
}

/**
 * The address a browser on this server would use for the CRM: an http binding before an https
 * one (a localhost certificate rarely matches), one without host header before one with (then
 * the host name is needed), `*` as localhost.
 */
export function siteUrl(
  bindings: readonly { protocol: string; bindingInformation: string }[],
  appPath: string,
): string {
  const candidates = bindings
    .map((b) => ({ protocol: b.protocol.toLowerCase(), info: parseBindingInformation(b.bindingInformation) }))
    .filter(
      (b): b is { protocol: 'http' | 'https'; info: NonNullable<typeof b.info> } =>
        (b.protocol === 'http' || b.protocol === 'https') && b.info !== null,
    )
    .sort(
      (a, b) =>
        (a.protocol === b.protocol ? 0 : a.protocol === 'http' ? -1 : 1) ||
        Number(a.info.host !== '') - Number(b.info.host !== ''),
    );
  const best = candidates[0];
  if (!best) return '';
  const { ip, port, host } = best.info;
  const name =
    host !== '' ? host : ip === '*' || ip === '' || ip === '[::]' || ip === '0.0.0.0' ? 'localhost' : ip;
  const defaultPort = best.protocol === 'http' ? 80 : 443;
  const root = appPath === '/' ? '/' : `${appPath.replace(/\/+$/, '')}/`;
  return `${best.protocol}://${name}${port === defaultPort ? '' : `:${port}`}${root.split('/').map(encodeURIComponent).join('/')}`;
}

/** `"CRM"` is a site's root application; `"Default Web Site/CRM"` (appcmd's APP identifier form) an application inside a site. */
export function splitSiteName(name: string): { siteName: string; appPath: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { siteName: name, appPath: '/' };
  return { siteName: name.slice(0, slash), appPath: `/${name.slice(slash + 1).replace(/^\/+|\/+$/g, '')}` };
}

export function crmSiteFrom(r: ScriptResult<'Get-CrmSite'>, env: Env): CrmSite | null {
  if (!r.found) return null;
  const physicalPath = r.physicalPathExpanded || expandEnvironmentVariables(r.physicalPath, env);
  return {
    siteName: r.name,
    appPath: r.applicationPath,
    physicalPath,
    pools: [...new Set(r.applicationPools.filter((p) => p !== ''))],
    url: siteUrl(r.bindings, r.applicationPath),
  };
}

export interface WindowsIisOptions {
  runner: PowerShellRunner;
  exec?: ExecFileFn;
  env?: Env;
  arch?: ProcessArch;
  log?: HostLog;
  /** Between two looks at a stopping pool. */
  pollMs?: number;
  appcmdTimeoutMs?: number;
  /** A started pool becomes Started within this. */
  startTimeoutMs?: number;
  /** The first request after a stop compiles the site: be patient. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** The tool's state folder on this server (where a lockout is recorded): the System port's. */
  stateDir: () => Promise<string>;
  /** This server's network addresses, for a request as from outside (os.networkInterfaces by default). */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Where the CRM says its version in an answer (the product profile knows); none by default. */
  readVersion?: (answer: {
    url: string;
    status: number;
    headers: Headers;
    body: string;
  }) => string | undefined;
}

export type WindowsIis = Iis & {
  workerProcesses(pool: string): Promise<number[]>;
  iisreset(action: IisresetAction, options?: { noForce?: boolean; timeoutSeconds?: number }): Promise<string>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function windowsIis(options: WindowsIisOptions): WindowsIis {
  const env = options.env ?? process.env;
  const arch = options.arch ?? process.arch;
  const exec = options.exec ?? execFileNoShell;
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? 500;
  const appcmdTimeoutMs = options.appcmdTimeoutMs ?? 60_000;
  const doFetch = options.fetch ?? fetch;
  const appcmd = appcmdPath(env, arch);
  const { stateDir } = options;
  const interfaces = options.networkInterfaces ?? (() => os.networkInterfaces());

  async function run(file: string, args: ArgList, timeoutMs = appcmdTimeoutMs): Promise<ExecResult> {
    const r = await exec(file, args, { timeoutMs });
    if (r.code === null) {
      throw new UpgradeError(
        msg('iis.command-failed', { command: `${path.win32.basename(file)} ${args.join(' ')}` }),
        r.error ?? r.stderr,
      );
    }
    return r;
  }

  const failed = (args: ArgList, r: ExecResult) =>
    new UpgradeError(
      msg('iis.command-failed', { command: `appcmd ${args.join(' ')}` }),
      `exit ${r.code}: ${parseAppcmdError(r.stdout) ?? r.stdout.trim()} ${r.stderr.trim()}`.trim(),
    );

  /** The pool's own state as appcmd reports it (Started, Stopping, Stopped, …). */
  async function appcmdState(pool: string): Promise<string | null> {
    const args = appcmdListPool(pool);
    const r = await run(appcmd, args);
    const listed = parseAppPoolList(r.stdout);
    // appcmd writes in the console's code page: a name with accents may come back mangled, so a
    // lone answer to a query filtered by name is taken as that pool.
    const line =
      listed.find((l) => l.name.toLowerCase() === pool.toLowerCase()) ??
      (listed.length === 1 ? listed[0] : undefined);
    if (!line)
      throw new UpgradeError(
        msg('iis.pool-unknown', { pool }),
        parseAppcmdError(r.stdout) ?? r.stdout.trim(),
      );
    return line.state;
  }

  async function workerProcesses(pool: string): Promise<number[]> {
    const args = appcmdListWorkerProcesses(pool);
    const r = await run(appcmd, args);
    const listed = parseWorkerProcessList(r.stdout);
    if (r.code !== 0 && listed.length === 0) {
      // appcmd's answer when no w3wp.exe runs for the pool is to be confirmed on a server; an
      // error text here is logged, and the pool's own state still has to read Stopped.
      const error = parseAppcmdError(r.stdout);
      if (error) log('warn', msg('iis.command-warning', { command: `appcmd ${args.join(' ')}` }), error);
    }
    return listed.map((w) => w.pid);
  }

  async function poolState(pool: string): Promise<PoolState> {
    const raw = await appcmdState(pool);
    const state = poolStateOf(raw);
    if (state === null) throw new UpgradeError(msg('iis.pool-state-unknown', { pool, state: raw ?? '?' }));
    if (state === 'stopped' && (await workerProcesses(pool)).length > 0) return 'stopping';
    return state;
  }

  async function until(pool: string, want: (s: PoolState) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (want(await poolState(pool))) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  /** Runs appcmd and fails on a non-zero exit. */
  async function must(args: ArgList): Promise<ExecResult> {
    const r = await run(appcmd, args);
    if (r.code !== 0) throw failed(args, r);
    return r;
  }

  async function siteBindings(site: string): Promise<SiteBinding[]> {
    return parseSiteBindings((await must(appcmdListSiteBindings(site))).stdout);
  }

  /** The site's bindings, or null when appcmd lists no such site. */
  async function bindingsIfThere(site: string): Promise<SiteBinding[] | null> {
    const r = await run(appcmd, appcmdListSiteBindings(site));
    return r.code === 0 ? parseSiteBindings(r.stdout) : null;
  }

  /** `SITE "<name>" (id:…,bindings:…,state:…)`, or null when appcmd lists no such site. */
  async function siteLine(site: string): Promise<string | null> {
    const r = await run(appcmd, appcmdListSite(site));
    return r.code === 0 && /^\s*SITE "/m.test(r.stdout) ? r.stdout : null;
  }

  /** A delete of something already gone is what an idempotent undo expects: only other failures count. */
  async function deleteIfThere(args: ArgList): Promise<void> {
    const r = await run(appcmd, args);
    if (r.code !== 0 && !/cannot find/i.test(parseAppcmdError(r.stdout) ?? '')) throw failed(args, r);
  }

  async function appOfflineContent(site: CrmSite): Promise<string | null> {
    try {
      return await readFile(path.join(site.physicalPath, APP_OFFLINE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  return {
    async status() {
      const { result } = await options.runner.run('Get-IisStatus', {});
      return iisStatusFrom(result);
    },

    async findCrm(name) {
      const { result } = await options.runner.run('Get-CrmSite', splitSiteName(name));
      const site = crmSiteFrom(result, env);
      if (site && /%[^%]+%/.test(site.physicalPath)) {
        log('warn', msg('iis.path-unexpanded', { path: site.physicalPath }));
      }
      return site;
    },

    poolState,
    workerProcesses,

    async stopPool(pool, timeoutMs) {
      const started = Date.now();
      const state = poolStateOf(await appcmdState(pool));
      if (state === 'started') {
        const args = appcmdStopPool(pool);
        const r = await run(appcmd, args);
        if (r.code !== 0) {
          // Stopped meanwhile (by someone else): appcmd refuses; the state below says what is true.
          const now = poolStateOf(await appcmdState(pool));
          if (now === 'started') throw failed(args, r);
        }
      }
      // The stop returns before w3wp.exe has finished its requests (up to shutdownTimeLimit).
      const remaining = Math.max(0, timeoutMs - (Date.now() - started));
      if (!(await until(pool, (s) => s === 'stopped', remaining))) {
        throw new UpgradeError(msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }));
      }
    },

    async startPool(pool) {
      const timeoutMs = options.startTimeoutMs ?? 30_000;
      // A pool still stopping cannot be started yet.
      if (!(await until(pool, (s) => s !== 'stopping', timeoutMs))) {
        throw new UpgradeError(msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }));
      }
      if ((await poolState(pool)) === 'started') return;
      const args = appcmdStartPool(pool);
      const r = await run(appcmd, args);
      if (!(await until(pool, (s) => s === 'started', timeoutMs))) throw failed(args, r);
    },

    async request(site, from?: RequestOrigin): Promise<CrmResponse> {
      if (!site.url) throw new UpgradeError(msg('iis.no-http-binding', { site: site.siteName }));
      const lockout = from === 'loopback' ? await readLockoutRecord(await stateDir(), site.siteName) : null;
      const url =
        lockout?.loopbackUrl || (from === 'outside' ? outsideUrl(site.url, interfaces()) : site.url);
      let res: Response;
      let body: string;
      try {
        res = await doFetch(url, {
          redirect: 'follow',
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 120_000),
          headers: { 'user-agent': 'CRM Upgrade Manager' },
        });
        body = await res.text();
      } catch (err) {
        throw new UpgradeError(msg('iis.request-failed', { url }), String(err));
      }
      const maintenance =
        res.status === 503 && (isOurMaintenancePage(body) || (await appOfflineContent(site)) !== null);
      const version = res.ok
        ? options.readVersion?.({ url, status: res.status, headers: res.headers, body })
        : undefined;
      return version ? { status: res.status, version, maintenance } : { status: res.status, maintenance };
    },

    /**
     * Stock IIS only: the original bindings recorded (synced) first, then the site on loopback,
     * then a maintenance site with its own pool, the page as app_offline.htm, on the public ones.
     */
    async lockOut(site, html) {
      const dir = await stateDir();
      const current = await siteBindings(site.siteName);
      const { lockout, folder } = await prepareLockout(
        dir,
        site.siteName,
        site.appPath,
        current,
        maintenancePage(html),
      );
      await writeFile(path.join(folder, 'web.config'), MAINTENANCE_WEB_CONFIG, 'utf8');
      if (!sameBindings(current, lockout.locked))
        await must(appcmdSetSiteBindings(site.siteName, lockout.locked));
      const name = maintenanceSiteName(site.siteName);
      let listed = await siteLine(name);
      if (listed === null) {
        await deleteIfThere(appcmdDeletePool(name));
        await must(appcmdAddPool(name));
        await must(appcmdAddSite(name, folder, publicBindings(lockout.original)));
        await must(appcmdSetAppPool(name, name));
        // The new site's own line: its state decides the start below.
        listed = await siteLine(name);
      }
      if (/state:Stopped/i.test(listed ?? '')) await must(appcmdStartSite(name));
      return lockout;
    },

    async endLockout(site, recorded) {
      const dir = await stateDir();
      const kept = await readLockoutRecord(dir, site.siteName);
      const name = maintenanceSiteName(site.siteName);
      const maintenance = await bindingsIfThere(name);
      const current = await siteBindings(site.siteName);
      const original = bindingsToRestore(kept, recorded, maintenance, current);
      if (!original && !maintenance) return null;
      // The maintenance site first: it holds the public bindings the site takes back.
      if (maintenance) await deleteIfThere(appcmdDeleteSite(name));
      await deleteIfThere(appcmdDeletePool(name));
      if (original && !sameBindings(current, original))
        await must(appcmdSetSiteBindings(site.siteName, original));
      await removeLockoutRecord(dir, site.siteName);
      return original;
    },

    async iisreset(action, resetOptions = {}) {
      const file = iisresetPath(env, arch);
      const args = iisresetArgs(action, resetOptions);
      const r = await run(file, args, ((resetOptions.timeoutSeconds ?? 120) + 60) * 1000);
      if (r.code !== 0) {
        throw new UpgradeError(
          msg('iis.iisreset-failed', { code: r.code ?? -1 }),
          `${r.stdout.trim()} ${r.stderr.trim()}`.trim(),
        );
      }
      return r.stdout;
    },
  };
}
