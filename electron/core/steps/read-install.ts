import { open } from 'node:fs/promises';
import path from 'node:path';
import type { CrmConnection, Host } from '../ports';
import type { Profile } from '../profile';
import { PATTERN_INPUT_MAX_CHARS, firstCapture } from '../profile-pattern';
import type { StepContext } from '../run/context';

/** What reading the installation needs: the machine, the CRM's folder and connections, the profile. */
export interface InstallSource {
  host: Host;
  physicalPath: string;
  connections: readonly CrmConnection[];
  profile: Profile;
}

/** The installation as this run discovered it: the CRM's folder, or another (MOBILE's) when given. */
export const installSource = (
  ctx: Pick<StepContext, 'host' | 'discovery' | 'profile'>,
  physicalPath = ctx.discovery.site?.physicalPath ?? '',
): InstallSource => ({
  host: ctx.host,
  physicalPath,
  connections: ctx.discovery.connections,
  profile: ctx.profile,
});

const inside = (folder: string, rel: string) => path.join(folder, ...rel.split(/[\\/]/));

/** The file's head, as much as a pattern may look at (a UTF-8 character is at most 4 bytes). */
async function head(file: string): Promise<string | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const buffer = Buffer.alloc(PATTERN_INPUT_MAX_CHARS * 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

async function fromFile(folder: string, rel: string, pattern: string): Promise<string | null> {
  const text = await head(inside(folder, rel));
  return text === null ? null : (firstCapture(pattern, text)?.trim() ?? null);
}

async function fromQuery(src: InstallSource, query: string): Promise<string | null> {
  const first = src.connections[0];
  return first ? src.host.databases.queryValue(first, query).catch(() => null) : null;
}

/** Where the profile says the version is: a file, a DLL's file version, or the database. */
export async function readInstalledVersion(src: InstallSource): Promise<string | null> {
  const how = src.profile.installedVersion;
  if (how.kind === 'file') return fromFile(src.physicalPath, how.file, how.pattern);
  if (how.kind === 'query') return fromQuery(src, how.query);
  const fileVersion = await src.host.system.fileVersion(inside(src.physicalPath, how.file)).catch(() => null);
  return fileVersion ? `${fileVersion}_${how.arch}` : null;
}

/** A description of where the version is read, for the admin's message. */
export function versionSourceLabel(profile: Profile): string {
  const how = profile.installedVersion;
  return how.kind === 'query' ? 'SQL' : how.file;
}

/** The "Moduli:" text, or null when it can't be read; 'admin' when the admin reads it in the CRM. */
export async function readLicenceModulesText(src: InstallSource): Promise<string | null | 'admin'> {
  const how = src.profile.licence;
  if (how.kind === 'admin-confirms') return 'admin';
  if (how.kind === 'query') return fromQuery(src, how.query);
  return fromFile(src.physicalPath, how.file, how.pattern);
}
