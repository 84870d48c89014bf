import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Profile } from '../profile';

/** The installed version as the profile says to read it (a file and a pattern). */
export async function readInstalledVersion(physicalPath: string, profile: Profile): Promise<string | null> {
  const text = await readFile(path.join(physicalPath, ...profile.installedVersion.file.split(/[\\/]/)), 'utf8').catch(() => null);
  if (text === null) return null;
  const m = new RegExp(profile.installedVersion.pattern, 'm').exec(text);
  return m?.[1]?.trim() ?? null;
}

/** The "Moduli:" text as the profile says to read it, or null when the file or line is missing. */
export async function readLicenceModulesText(physicalPath: string, profile: Profile): Promise<string | null> {
  const text = await readFile(path.join(physicalPath, ...profile.licence.file.split(/[\\/]/)), 'utf8').catch(() => null);
  if (text === null) return null;
  const m = new RegExp(profile.licence.pattern, 'm').exec(text);
  return m?.[1] ?? null;
}
