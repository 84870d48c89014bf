import { execFile } from 'node:child_process';
import type { SiteBinding } from '../../core/ports';

/**
 * appcmd.exe, iisreset.exe and taskkill.exe: argument arrays built by pure functions, run by
 * execFile without a shell, and their documented text output parsed by pure functions.
 * A name with spaces or quotes stays one element of the array; Node quotes it for the command
 * line (MSVCRT rules) and no shell ever reads it.
 */

export type ArgList = readonly string[];

/** `appcmd list apppool /apppool.name:<name>` → `APPPOOL "<name>" (MgdVersion:…,MgdMode:…,state:…)` */
export const appcmdListPool = (name: string): ArgList => ['list', 'apppool', `/apppool.name:${name}`];
export const appcmdStopPool = (name: string): ArgList => ['stop', 'apppool', `/apppool.name:${name}`];
export const appcmdStartPool = (name: string): ArgList => ['start', 'apppool', `/apppool.name:${name}`];
/** `appcmd list apppool /apppool.name:<name> /text:autoStart` → `true` or `false`. */
export const appcmdPoolAutoStart = (name: string): ArgList => [
  'list',
  'apppool',
  `/apppool.name:${name}`,
  '/text:autoStart',
];
/** autoStart false keeps a stopped pool stopped when WAS starts again (an iisreset, a setup's restart of IIS). */
export const appcmdSetPoolAutoStart = (name: string, autoStart: boolean): ArgList => [
  'set',
  'apppool',
  `/apppool.name:${name}`,
  `/autoStart:${autoStart}`,
];
/** appcmd's `/text:` answer for a boolean attribute, or null when it is not one. */
export function parseBooleanText(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : null;
}
/** `appcmd list wp /apppool.name:<pool>` → one `WP "<pid>" (applicationPool:<pool>)` line per w3wp.exe. */
export const appcmdListWorkerProcesses = (pool: string): ArgList => ['list', 'wp', `/apppool.name:${pool}`];

/** Bindings as appcmd writes them in `/bindings:`: `protocol/bindingInformation`, comma-separated. */
const bindingList = (bindings: readonly SiteBinding[]) =>
  bindings.map((b) => `${b.protocol}/${b.bindingInformation}`).join(',');

/** `appcmd list site /site.name:<name> /text:bindings` → `http/*:80:,https/*:443:crm.local` */
export const appcmdListSiteBindings = (site: string): ArgList => [
  'list',
  'site',
  `/site.name:${site}`,
  '/text:bindings',
];
/** `appcmd list site /site.name:<name>` → `SITE "<name>" (id:…,bindings:…,state:Started)`, or an error when it does not exist. */
export const appcmdListSite = (site: string): ArgList => ['list', 'site', `/site.name:${site}`];
/** Replaces the site's whole bindings collection (the lockout's loopback set, or the original one back). */
export const appcmdSetSiteBindings = (site: string, bindings: readonly SiteBinding[]): ArgList => [
  'set',
  'site',
  `/site.name:${site}`,
  `/bindings:${bindingList(bindings)}`,
];
/** The maintenance site: its own folder (under the tool's state folder) and the public bindings. */
export const appcmdAddSite = (
  site: string,
  physicalPath: string,
  bindings: readonly SiteBinding[],
): ArgList => [
  'add',
  'site',
  `/name:${site}`,
  `/physicalPath:${physicalPath}`,
  `/bindings:${bindingList(bindings)}`,
];
export const appcmdDeleteSite = (site: string): ArgList => ['delete', 'site', `/site.name:${site}`];
export const appcmdStartSite = (site: string): ArgList => ['start', 'site', `/site.name:${site}`];
/** The maintenance site's own pool (ASP.NET 4, integrated), so that app_offline.htm answers every request. */
export const appcmdAddPool = (pool: string): ArgList => [
  'add',
  'apppool',
  `/name:${pool}`,
  '/managedRuntimeVersion:v4.0',
  '/managedPipelineMode:Integrated',
];
export const appcmdDeletePool = (pool: string): ArgList => ['delete', 'apppool', `/apppool.name:${pool}`];
/** The root application of a site on a pool: `appcmd set app "<site>/" /applicationPool:<pool>`. */
export const appcmdSetAppPool = (site: string, pool: string): ArgList => [
  'set',
  'app',
  `${site}/`,
  `/applicationPool:${pool}`,
];

/** `http/*:80:,https/*:443:crm.local,net.tcp/808:*` → bindings; a host name never holds a comma. */
export function parseSiteBindings(text: string): SiteBinding[] {
  return text
    .trim()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .flatMap((part) => {
      const slash = part.indexOf('/');
      return slash > 0 ? [{ protocol: part.slice(0, slash), bindingInformation: part.slice(slash + 1) }] : [];
    });
}

export type IisresetAction = 'restart' | 'start' | 'stop' | 'status';

/**
 * iisreset's switches. It restarts every site and pool on the server, so the upgrade stops only
 * the CRM's pools; this is for the admin's explicit choice. /NOFORCE: fail rather than kill.
 */
export function iisresetArgs(
  action: IisresetAction,
  options: { noForce?: boolean; timeoutSeconds?: number } = {},
): ArgList {
  const args = [`/${action.toUpperCase()}`];
  if (action !== 'status') {
    if (options.noForce) args.push('/NOFORCE');
    if (options.timeoutSeconds !== undefined) {
      if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 0)
        throw new RangeError('iisreset timeout');
      args.push(`/TIMEOUT:${options.timeoutSeconds}`);
    }
  }
  return args;
}

/** `net start WAS`: waits until the service runs (or fails), and starts the services it depends on. */
export const netStartArgs = (service: 'WAS' | 'W3SVC'): ArgList => ['start', service];

/** Ends a process and every process it started (a setup's msiexec, its own children). */
export function taskkillTreeArgs(pid: number): ArgList {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a process id: ${pid}`);
  return ['/PID', String(pid), '/T', '/F'];
}

export interface AppPoolLine {
  name: string;
  /** MgdVersion, MgdMode, state, … as appcmd prints them. */
  attributes: Record<string, string>;
  state: string | null;
}

/**
 * `APPPOOL "CRMAppPool" (MgdVersion:v4.0,MgdMode:Integrated,state:Started)`. The name is written
 * between quotes without escaping, so it is whatever lies between the first `"` and the last `" (`.
 */
export function parseAppPoolList(text: string): AppPoolLine[] {
  const out: AppPoolLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*APPPOOL "(.*)" \((.*)\)\s*$/.exec(line);
    if (!m) continue;
    const attributes: Record<string, string> = {};
    for (const part of m[2]!.split(',')) {
      const colon = part.indexOf(':');
      if (colon > 0) attributes[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
    }
    const stateKey = Object.keys(attributes).find((k) => k.toLowerCase() === 'state');
    out.push({ name: m[1]!, attributes, state: stateKey ? attributes[stateKey]! : null });
  }
  return out;
}

export interface WorkerProcessLine {
  pid: number;
  pool: string;
}

/** `WP "1234" (applicationPool:CRMAppPool)` */
export function parseWorkerProcessList(text: string): WorkerProcessLine[] {
  const out: WorkerProcessLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*WP "(\d+)" \((.*)\)\s*$/.exec(line);
    if (!m) continue;
    const pool = /(?:^|,)\s*applicationPool:(.*)$/i.exec(m[2]!);
    out.push({ pid: Number(m[1]), pool: pool ? pool[1]!.trim() : '' });
  }
  return out;
}

/**
 * `ERROR ( message:Cannot find APPPOOL object with identifier "X". )`, or with an hresult and a
 * message over several lines → the message on one line, or null.
 */
export function parseAppcmdError(text: string): string | null {
  const m = /^\s*ERROR \(\s*(?:hresult:([0-9a-fA-F]+),\s*)?message:([\s\S]*?)\s*\)\s*$/m.exec(text);
  if (!m) return null;
  const message = m[2]!.replace(/\s+/g, ' ').trim();
  return m[1] ? `${message} (hresult ${m[1]})` : message;
}

/** The pool's appcmd state as the Iis port names it: Starting counts as started, Stopped as stopped. */
export function poolStateOf(state: string | null): 'started' | 'stopping' | 'stopped' | null {
  switch ((state ?? '').toLowerCase()) {
    case 'started':
    case 'starting':
      return 'started';
    case 'stopping':
      return 'stopping';
    case 'stopped':
      return 'stopped';
    default:
      return null;
  }
}

export interface ExecResult {
  /** Null when the program was killed (timeout) or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish: spawn error, timeout. */
  error?: string;
}

/** Runs a program with an argument array, never a shell; resolves also on a non-zero exit. */
export type ExecFileFn = (file: string, args: ArgList, options: { timeoutMs: number }) => Promise<ExecResult>;

/**
 * execFile with an environment of its own: the elevated tools (appcmd, iisreset, taskkill) get
 * the one built from the OS (environment.ts), never the user's TEMP, PATH or COR_PROFILER.
 */
export function execFileWithEnv(env?: Record<string, string>): ExecFileFn {
  return (file, args, { timeoutMs }) =>
    new Promise((resolve) => {
      const options = {
        ...(env ? { env } : {}),
        shell: false,
        windowsHide: true,
        timeout: timeoutMs,
        killSignal: 'SIGKILL' as const,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8' as const,
      };
      execFile(file, [...args], options, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        resolve({
          code: null,
          stdout,
          stderr,
          error: e.killed ? `timed out after ${timeoutMs} ms` : String(e.message),
        });
      });
    });
}

export const execFileNoShell: ExecFileFn = execFileWithEnv();
