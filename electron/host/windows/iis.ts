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
  WebServices,
} from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import { type PoolWorker, holdPool, readPoolHold, releasePoolHold } from '../pool-hold';
import {
  APP_OFFLINE,
  bindingParts,
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
  type AppPoolLine,
  appcmdListPool,
  appcmdListWorkerProcesses,
  appcmdPoolAutoStart,
  appcmdSetPoolAutoStart,
  appcmdStartPool,
  appcmdStopPool,
  execFileNoShell,
  iisresetArgs,
  netStartArgs,
  parseAppPoolList,
  parseAppcmdError,
  parseBooleanText,
  parseWorkerProcessList,
  poolStateOf,
} from './appcmd';
import {
  type Env,
  type ProcessArch,
  appcmdPath,
  expandEnvironmentVariables,
  iisresetPath,
  nativeSystemDir,
} from './paths';
import type { HostLog, PowerShellRunner, ScriptResult } from './powershell';
import { ANY_ADDRESS, type SiteAnswer, defaultPort, getSite } from './site-request';

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
 * One of this server's network addresses, where a request 'from outside' goes: HTTP.sys then
 * matches the public bindings (the maintenance site's during a lockout), not the loopback ones.
 */
export function outsideAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string | null {
  return (
    Object.values(interfaces)
      .flatMap((list) => list ?? [])
      .find((i) => !i.internal && i.family === 'IPv4')?.address ?? null
  );
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

/** `"*:80:"`, `"10.0.0.5:8080:crm.local"`, `"[::1]:80:"` → ip, port, host header (lockout.ts's parser). */
export const parseBindingInformation = bindingParts;

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
  const name = host !== '' ? host : ANY_ADDRESS.includes(ip) ? 'localhost' : ip;
  const root = appPath === '/' ? '/' : `${appPath.replace(/\/+$/, '')}/`;
  return `${best.protocol}://${name}${port === defaultPort(best.protocol) ? '' : `:${port}`}${root.split('/').map(encodeURIComponent).join('/')}`;
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
  /** Between two looks at a stopping pool, or at starting services. */
  pollMs?: number;
  appcmdTimeoutMs?: number;
  /** A started pool becomes Started within this. */
  startTimeoutMs?: number;
  /** WAS and W3SVC are running within this after `net start`. */
  servicesTimeoutMs?: number;
  /** The first request after a stop compiles the site: be patient. */
  requestTimeoutMs?: number;
  /** The roots an https site's certificate is checked against: Node's and the server's store by default. */
  trustedCertificates?: string[];
  /** The tool's state folder on this server (lockout and pool records): the System port's. */
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

/** What IIS needs to run a pool, in the order they start: WAS starts the pools, W3SVC serves them. */
const WEB_SERVICES = ['WAS', 'W3SVC'] as const;
type WebServiceName = (typeof WEB_SERVICES)[number];
type ServiceStates = Record<WebServiceName, string | null>;
const allRunning = (s: ServiceStates) => WEB_SERVICES.every((n) => s[n] === 'Running');

/**
 * A worker recorded before the stop is still there when a process with its PID is a w3wp.exe
 * started at the same moment; another start time is a later process given the same PID. A start
 * time that could not be read on either side is no proof of that: the process counts as there.
 */
export function isSameWorker(
  recorded: PoolWorker,
  found: { pid: number; name: string; startTime: string | null },
): boolean {
  if (found.pid !== recorded.pid || found.name.toLowerCase() !== 'w3wp') return false;
  return recorded.startTime === null || found.startTime === null || found.startTime === recorded.startTime;
}

const uniqueWorkers = (list: readonly PoolWorker[]) =>
  list.filter((w, i) => list.findIndex((x) => x.pid === w.pid && x.startTime === w.startTime) === i);

/**
 * The maintenance page, recognised: our marker in the body wherever it comes from; or the site's
 * own app_offline.htm on disk with ASP.NET's answer to it, a 503 (ASP.NET 4) or a 404 from a
 * pool on ASP.NET 2.0, which answers app_offline.htm with a 404.
 */
export function isMaintenanceAnswer(
  answer: { status: number; body: string },
  appOfflineOnDisk: boolean,
  poolRuntime: () => Promise<string | null>,
): Promise<boolean> {
  if (isOurMaintenancePage(answer.body)) return Promise.resolve(true);
  if (!appOfflineOnDisk) return Promise.resolve(false);
  if (answer.status === 503) return Promise.resolve(true);
  if (answer.status !== 404) return Promise.resolve(false);
  return poolRuntime().then((v) => (v ?? '').toLowerCase() === 'v2.0');
}

export function windowsIis(options: WindowsIisOptions): WindowsIis {
  const env = options.env ?? process.env;
  const arch = options.arch ?? process.arch;
  const exec = options.exec ?? execFileNoShell;
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? 500;
  const appcmdTimeoutMs = options.appcmdTimeoutMs ?? 60_000;
  const servicesTimeoutMs = options.servicesTimeoutMs ?? 120_000;
  const appcmd = appcmdPath(env, arch);
  const net = path.win32.join(nativeSystemDir(env, arch), 'net.exe');
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

  /** Runs appcmd and fails on a non-zero exit. */
  async function must(args: ArgList): Promise<ExecResult> {
    const r = await run(appcmd, args);
    if (r.code !== 0) throw failed(args, r);
    return r;
  }

  /** The pool as appcmd lists it: its state (Started, Stopping, Stopped, Unknown) and MgdVersion. */
  async function poolLine(pool: string): Promise<AppPoolLine> {
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
    return line;
  }

  async function autoStartOf(pool: string): Promise<boolean> {
    const r = await must(appcmdPoolAutoStart(pool));
    const value = parseBooleanText(r.stdout);
    if (value === null)
      throw new UpgradeError(
        msg('iis.pool-autostart-unreadable', { pool, text: r.stdout.trim().slice(0, 80) }),
      );
    return value;
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

  /** Which of these PIDs are still running processes: name and start time, by Get-Process. */
  async function processesById(pids: readonly number[]) {
    if (pids.length === 0) return [];
    const { result } = await options.runner.run('Get-ProcessesById', { pids: [...pids].slice(0, 64) });
    return result.processes;
  }

  /** The pool's w3wp.exe now, each with its start time: what the stop must see gone. */
  async function workersNow(pool: string): Promise<PoolWorker[]> {
    const found = await processesById(await workerProcesses(pool));
    return found
      .filter((p) => p.name.toLowerCase() === 'w3wp')
      .map((p) => ({ pid: p.pid, startTime: p.startTime }));
  }

  async function stillRunning(workers: readonly PoolWorker[]): Promise<PoolWorker[]> {
    const found = await processesById(workers.map((w) => w.pid));
    return workers.filter((w) => found.some((p) => isSameWorker(w, p)));
  }

  async function serviceStates(): Promise<ServiceStates> {
    const { result } = await options.runner.run('Get-WebServices', {});
    const of = (name: string) => result.services.find((s) => s.name.toUpperCase() === name)?.status ?? null;
    return { WAS: of('WAS'), W3SVC: of('W3SVC') };
  }

  /**
   * The pool's state, its workers followed by PID: Stopped while one of them (or one appcmd
   * still lists) runs is Stopping. A state appcmd cannot tell while WAS or W3SVC is stopped is
   * Stopped, since no pool runs without them; with both running it is an error.
   */
  async function stateFollowing(pool: string, followed: readonly PoolWorker[]): Promise<PoolState> {
    const line = await poolLine(pool);
    const state = poolStateOf(line.state);
    if (state === null && allRunning(await serviceStates()))
      throw new UpgradeError(msg('iis.pool-state-unknown', { pool, state: line.state ?? '?' }));
    if (state !== null && state !== 'stopped') return state;
    if ((await workerProcesses(pool)).length > 0) return 'stopping';
    return (await stillRunning(followed)).length > 0 ? 'stopping' : 'stopped';
  }

  async function poolState(pool: string): Promise<PoolState> {
    const hold = await readPoolHold(await stateDir(), pool);
    return stateFollowing(pool, hold?.workers ?? []);
  }

  /** The state once it is one `want` takes, or null when it is not by the deadline. */
  async function until(
    pool: string,
    want: (s: PoolState) => boolean,
    timeoutMs: number,
    followed: readonly PoolWorker[],
  ): Promise<PoolState | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await stateFollowing(pool, followed);
      if (want(state)) return state;
      if (Date.now() >= deadline) return null;
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  /** appcmd stop; a refusal because it stopped meanwhile (by someone else) is no failure. */
  async function stopNow(pool: string): Promise<void> {
    const args = appcmdStopPool(pool);
    const r = await run(appcmd, args);
    if (r.code !== 0 && poolStateOf((await poolLine(pool)).state) === 'started') throw failed(args, r);
  }

  /** WAS and W3SVC, each started by `net start` when it is not running, then read again until both run. */
  async function ensureWebServices(): Promise<WebServices> {
    const before = await serviceStates();
    const missing = WEB_SERVICES.filter((n) => before[n] === null);
    if (missing.length > 0)
      throw new UpgradeError(msg('iis.web-services-missing', { services: missing.join(', ') }));
    const found = { was: before.WAS ?? '', w3svc: before.W3SVC ?? '' };
    const started = WEB_SERVICES.filter((n) => before[n] !== 'Running');
    if (started.length === 0) return { ...found, started: [] };
    const refused: string[] = [];
    for (const name of started) {
      if (before[name] === 'StartPending') continue;
      const r = await run(net, netStartArgs(name), servicesTimeoutMs);
      if (r.code !== 0)
        refused.push(`net start ${name}: exit ${r.code}: ${`${r.stdout} ${r.stderr}`.trim()}`);
    }
    const deadline = Date.now() + servicesTimeoutMs;
    for (;;) {
      const now = await serviceStates();
      if (allRunning(now)) break;
      const down = WEB_SERVICES.filter((n) => now[n] !== 'Running');
      // A refused start of a service that stays Stopped (disabled, a failing dependency) will not come.
      const hopeless = refused.length > 0 && down.some((n) => now[n] === 'Stopped' || now[n] === null);
      if (hopeless || Date.now() >= deadline) {
        const services = down.map((n) => `${n} (${now[n] ?? 'missing'})`).join(', ');
        throw new UpgradeError(msg('iis.web-services-not-running', { services }), refused.join('\n'));
      }
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
    log('warn', msg('iis.web-services-started', { services: started.join(', ') }));
    return { ...found, started: [...started] };
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

  /** The GET itself, to this server with the site's Host header (site-request.ts); no answer is an UpgradeError. */
  async function ask(site: CrmSite, from: RequestOrigin | undefined): Promise<SiteAnswer> {
    const lockout = from ? await readLockoutRecord(await stateDir(), site.siteName) : null;
    // Before a lockout, the bindings as they are; during one, those it recorded (the public ones).
    // They only pick the address: without them (appcmd failing) it is the one the URL names.
    const bindings = lockout?.original ?? (await bindingsIfThere(site.siteName).catch(() => null));
    try {
      return await getSite(
        site.url,
        { from, bindings, loopbackUrl: lockout?.loopbackUrl, outsideAddress: outsideAddress(interfaces()) },
        {
          timeoutMs: options.requestTimeoutMs ?? 120_000,
          ...(options.trustedCertificates ? { ca: options.trustedCertificates } : {}),
        },
      );
    } catch (err) {
      throw new UpgradeError(msg('iis.request-failed', { url: site.url }), String(err));
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
    ensureWebServices,

    /**
     * Its autoStart and its w3wp.exe (PID and start time) recorded on the server first, then
     * autoStart false, then the stop; done when appcmd says Stopped and those very processes are
     * gone (appcmd may stop listing a w3wp.exe still finishing its requests).
     */
    async stopPool(pool, timeoutMs) {
      const started = Date.now();
      const dir = await stateDir();
      const state = poolStateOf((await poolLine(pool)).state);
      const seen = await workersNow(pool);
      const autoStart = await autoStartOf(pool);
      const hold = await holdPool(dir, pool, () => Promise.resolve({ autoStart, workers: seen }));
      if (autoStart) await must(appcmdSetPoolAutoStart(pool, false));
      if (state === 'started') await stopNow(pool);
      const followed = uniqueWorkers([...hold.workers, ...seen]);
      // The stop returns before w3wp.exe has finished its requests (up to shutdownTimeLimit).
      const remaining = Math.max(0, timeoutMs - (Date.now() - started));
      if ((await until(pool, (s) => s === 'stopped', remaining, followed)) === null) {
        throw new UpgradeError(msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }));
      }
      return { autoStart: hold.autoStart, workers: followed.map((w) => w.pid) };
    },

    /** WAS and W3SVC first (a setup may leave them stopped), autoStart back as recorded, then the start. */
    async startPool(pool, recorded) {
      const timeoutMs = options.startTimeoutMs ?? 30_000;
      await ensureWebServices();
      const dir = await stateDir();
      const hold = await readPoolHold(dir, pool);
      const followed = hold?.workers ?? [];
      // A pool still stopping cannot be started yet.
      const ready = await until(pool, (s) => s !== 'stopping', timeoutMs, followed);
      if (ready === null) {
        throw new UpgradeError(msg('iis.pool-stop-timeout', { pool, seconds: Math.round(timeoutMs / 1000) }));
      }
      let autoStart = await autoStartOf(pool);
      const wanted = hold?.autoStart ?? recorded?.autoStart;
      if (wanted !== undefined && wanted !== autoStart) {
        await must(appcmdSetPoolAutoStart(pool, wanted));
        autoStart = wanted;
      }
      // autoStart does not change the state just read.
      if (ready !== 'started') {
        const args = appcmdStartPool(pool);
        const r = await run(appcmd, args);
        if ((await until(pool, (s) => s === 'started', timeoutMs, followed)) === null) throw failed(args, r);
      }
      await releasePoolHold(dir, pool);
      return { autoStart };
    },

    async request(site, from?: RequestOrigin): Promise<CrmResponse> {
      if (!site.url) throw new UpgradeError(msg('iis.no-http-binding', { site: site.siteName }));
      const answer = await ask(site, from);
      const offline = (await appOfflineContent(site)) !== null;
      const maintenance = await isMaintenanceAnswer(answer, offline, async () => {
        const pool = site.pools[0];
        return pool ? ((await poolLine(pool)).attributes.MgdVersion ?? null) : null;
      });
      const version =
        answer.status >= 200 && answer.status < 300
          ? options.readVersion?.({ url: site.url, ...answer })
          : undefined;
      return {
        status: answer.status,
        ...(version ? { version } : {}),
        maintenance,
        ...(answer.certificate ? { certificate: answer.certificate } : {}),
      };
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
