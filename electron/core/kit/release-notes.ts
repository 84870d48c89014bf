import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseNote } from '../../shared/plan';
import { type VersionName, compareVersionNames, parseVersionName } from '../../shared/version-name';
import { sha256Of } from '../files/hash';
import type { KitManifest } from './kit-manifest';
import type { SignedKit } from './kit-verify';

/** A note larger than this is cut: notes are for reading, not a channel for anything else. */
export const RELEASE_NOTE_MAX_BYTES = 256 * 1024;

type WantedNote = KitManifest['releaseNotes'][number];

/** The notes of every version after the installed one up to the kit's, newest first (NOTA BENE 1). */
function wantedReleaseNotes(kit: SignedKit, installed: VersionName | null): WantedNote[] {
  return kit.manifest.releaseNotes
    .map((n) => ({ ...n, parsed: parseVersionName(n.version) }))
    .filter(
      (n) =>
        compareVersionNames(n.parsed, kit.version) <= 0 &&
        (!installed || compareVersionNames(n.parsed, installed) > 0),
    )
    .sort((a, b) => compareVersionNames(b.parsed, a.parsed) || a.lang.localeCompare(b.lang))
    .map(({ version, lang, path: p }) => ({ version, lang, path: p }));
}

/**
 * A note's bytes, up to RELEASE_NOTE_MAX_BYTES, when the file is a plain file (no link) with
 * exactly the size and SHA-256 the signed manifest gives (the size is signed, so reading it whole
 * is bounded); null otherwise. The bytes returned are the ones hashed.
 */
async function readVerified(file: string, entry: KitManifest['files'][number]): Promise<Buffer | null> {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile() || st.size !== entry.size) return null;
  const bytes = await readFile(file).catch(() => null);
  if (bytes?.length !== entry.size || sha256Of(bytes) !== entry.sha256) return null;
  return bytes.subarray(0, RELEASE_NOTE_MAX_BYTES);
}

/**
 * The wanted notes, each read from the stick and shown only when its bytes match the signed
 * manifest's size and SHA-256: the text shown is the text hashed. A note that is missing or
 * altered is left out (check.release-notes names it).
 */
export async function readReleaseNotes(
  kit: SignedKit,
  installed: VersionName | null,
): Promise<ReleaseNote[]> {
  const out: ReleaseNote[] = [];
  for (const n of wantedReleaseNotes(kit, installed)) {
    const entry = kit.manifest.files.find((f) => f.path === n.path);
    const bytes = entry ? await readVerified(path.join(kit.dir, ...n.path.split('/')), entry) : null;
    if (!bytes) continue;
    out.push({ version: n.version, lang: n.lang, markdown: bytes.toString('utf8') });
  }
  return out;
}

/** The paths of the wanted notes that are not among those shown (missing or altered). */
export function unshownReleaseNotes(
  kit: SignedKit,
  installed: VersionName | null,
  shown: readonly ReleaseNote[],
): string[] {
  return wantedReleaseNotes(kit, installed)
    .filter((n) => !shown.some((s) => s.version === n.version && s.lang === n.lang))
    .map((n) => n.path);
}
