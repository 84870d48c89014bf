import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Lockout, SiteBinding } from '../core/ports';
import { writeRecordFile } from './record-file';

/**
 * The lockout window as both hosts keep it: which bindings a locked-out site gets, and the record
 * of its original bindings, written on the server (the tool's state folder) and synced before
 * any binding changes, so that a crash at any moment can still put them back.
 */

/** `"*:80:"`, `"10.0.0.5:8080:crm.local"`, `"[::1]:80:"` → ip, port, host header. */
export function bindingParts(info: string): { ip: string; port: number; host: string } | null {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+):(.*)$/.exec(info.trim());
  if (!m) return null;
  return { ip: m[1]!, port: Number(m[2]), host: m[3]! };
}

/** ASP.NET answers every request with this file's content and a 503 while it lies in the site's folder. */
export const APP_OFFLINE = 'app_offline.htm';

/** An http or https binding with an address: one that browsers reach. */
export const isWeb = (b: SiteBinding) =>
  /^https?$/i.test(b.protocol) && bindingParts(b.bindingInformation) !== null;

/** 127.0.0.1 and ::1 (`localhost` resolves to ::1 first on Windows): the server itself only. */
export const LOOPBACK_IPS = ['127.0.0.1', '[::1]'] as const;

function isLoopbackBinding(b: SiteBinding): boolean {
  const ip = bindingParts(b.bindingInformation)?.ip;
  return ip !== undefined && (LOOPBACK_IPS as readonly string[]).includes(ip);
}

/** The web bindings that users reach: they go to the maintenance site during the lockout. */
export const publicBindings = (original: readonly SiteBinding[]): SiteBinding[] =>
  original.filter((b) => isWeb(b) && !isLoopbackBinding(b));

/**
 * The site's bindings during the lockout: for each port of its http bindings (of its https ones
 * when it has no http binding: a loopback https binding would need its own certificate), one on
 * 127.0.0.1 and one on [::1] without host header; bindings of other protocols stay as they are.
 */
export function loopbackBindings(original: readonly SiteBinding[]): SiteBinding[] {
  const web = original.filter(isWeb);
  const http = web.filter((b) => b.protocol.toLowerCase() === 'http');
  const chosen = http.length > 0 ? http : web;
  const out: SiteBinding[] = [];
  const seen = new Set<string>();
  for (const b of chosen) {
    const port = bindingParts(b.bindingInformation)!.port;
    const protocol = b.protocol.toLowerCase();
    for (const ip of LOOPBACK_IPS) {
      const bindingInformation = `${ip}:${port}:`;
      if (seen.has(`${protocol}/${bindingInformation}`)) continue;
      seen.add(`${protocol}/${bindingInformation}`);
      out.push({ protocol, bindingInformation });
    }
  }
  return [...out, ...original.filter((b) => !isWeb(b))];
}

/** The address the admin uses on the server during the lockout: the first loopback binding. */
export function loopbackUrl(locked: readonly SiteBinding[], appPath: string): string {
  const first = locked.find(isWeb);
  if (!first) return '';
  const { ip, port } = bindingParts(first.bindingInformation)!;
  const protocol = first.protocol.toLowerCase();
  const defaultPort = protocol === 'https' ? 443 : 80;
  const root = appPath === '/' ? '/' : `${appPath.replace(/\/+$/, '')}/`;
  return `${protocol}://${ip}${port === defaultPort ? '' : `:${port}`}${root}`;
}

/** The maintenance site's name for a site: ASCII, recognisable, one per locked-out site. */
export const maintenanceSiteName = (site: string) =>
  `CrmUpgradeMaintenance-${site.replace(/[^A-Za-z0-9._-]/g, '_')}`;

const bindingSchema = z.object({ protocol: z.string(), bindingInformation: z.string() });
const recordSchema = z.object({
  format: z.literal(1),
  site: z.string(),
  original: z.array(bindingSchema),
  locked: z.array(bindingSchema),
  loopbackUrl: z.string(),
  since: z.string(),
});

/** Where the lockout of a site is recorded, and its maintenance site's folder, under the state folder. */
export function lockoutPaths(stateDir: string, site: string) {
  const dir = path.join(stateDir, 'lockout');
  const safe = site.replace(/[^A-Za-z0-9._-]/g, '_');
  return { dir, record: path.join(dir, `${safe}.json`), folder: path.join(dir, safe) };
}

export async function readLockoutRecord(stateDir: string, site: string): Promise<Lockout | null> {
  const raw = await readFile(lockoutPaths(stateDir, site).record, 'utf8').catch(() => null);
  if (raw === null) return null;
  const parsed = recordSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return null;
  const { format: _format, ...lockout } = parsed.data;
  return lockout;
}

export async function removeLockoutRecord(stateDir: string, site: string): Promise<void> {
  const p = lockoutPaths(stateDir, site);
  await rm(p.folder, { recursive: true, force: true });
  await rm(p.record, { force: true });
}

/** The record kept, or a new one for bindings read now: a retry never records loopback as original. */
async function recordLockout(
  stateDir: string,
  site: string,
  appPath: string,
  current: readonly SiteBinding[],
  now = new Date(),
): Promise<Lockout> {
  const kept = await readLockoutRecord(stateDir, site);
  if (kept) return kept;
  const original = current.map((b) => ({ protocol: b.protocol, bindingInformation: b.bindingInformation }));
  const locked = loopbackBindings(original);
  const lockout: Lockout = {
    site,
    original,
    locked,
    loopbackUrl: loopbackUrl(locked, appPath),
    since: now.toISOString(),
  };
  await writeRecordFile(lockoutPaths(stateDir, site).record, lockout);
  return lockout;
}

/**
 * The start of a lockout, before any binding changes: the original bindings recorded (kept on a
 * retry), then the maintenance site's folder with the page as its app_offline.htm.
 */
export async function prepareLockout(
  stateDir: string,
  site: string,
  appPath: string,
  current: readonly SiteBinding[],
  page: string,
): Promise<{ lockout: Lockout; folder: string }> {
  const lockout = await recordLockout(stateDir, site, appPath, current);
  const folder = lockoutPaths(stateDir, site).folder;
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, APP_OFFLINE), page, 'utf8');
  return { lockout, folder };
}

/**
 * What ending a lockout puts back: the server's record, else the journal's (`recorded`); with both
 * gone, the public bindings still on the maintenance site plus the site's own non-loopback ones.
 * Null when nothing says what the bindings were.
 */
export function bindingsToRestore(
  kept: Lockout | null,
  recorded: readonly SiteBinding[] | undefined,
  maintenance: readonly SiteBinding[] | null,
  current: readonly SiteBinding[] | null,
): SiteBinding[] | null {
  if (kept) return kept.original;
  if (recorded) return [...recorded];
  if (maintenance && current) return [...maintenance, ...current.filter((b) => !isLoopbackBinding(b))];
  return null;
}
