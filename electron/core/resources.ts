import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UpgradeError, msg } from '../shared/message';
import { type ResourceHashes, builtResourceHashes, resourceRefusal } from '../shared/resource-hashes';
import { sha256Of } from './files/hash';
import { type Profile, parseProfile } from './profile';

/** The repo's resources/ folder when running from source; the packaged app passes process.resourcesPath instead. */
export function sourceResourcesDir(): string {
  return fileURLToPath(new URL('../../resources', import.meta.url));
}

/**
 * A shipped file's bytes (`rel` as in the build's manifest, `profiles/crm.json`), read once and,
 * in a built app, checked against the hash fixed at build time: the bytes used are the bytes
 * checked. A changed or added file is refused, naming it.
 */
export async function readShippedResource(
  resourcesDir: string,
  rel: string,
  hashes: ResourceHashes | null = builtResourceHashes(),
): Promise<Buffer> {
  const file = path.join(resourcesDir, ...rel.split('/'));
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UpgradeError(msg('resources.unreadable', { file }), String(err));
  }
  const refusal = hashes && resourceRefusal(hashes, rel, sha256Of(bytes), file);
  if (refusal) throw refusal;
  return bytes;
}

/** The product profile shipped with the app (resources/profiles/crm.json), parsed from its checked bytes. */
export async function loadShippedProfile(
  resourcesDir: string,
  hashes: ResourceHashes | null = builtResourceHashes(),
): Promise<Profile> {
  const bytes = await readShippedResource(resourcesDir, 'profiles/crm.json', hashes);
  const file = path.join(resourcesDir, 'profiles', 'crm.json');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UpgradeError(msg('profile.unreadable', { source: file }), String(err));
  }
  return parseProfile(json, file);
}
