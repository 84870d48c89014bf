import path from 'node:path';
import type { ReleaseNote } from '../../shared/plan';
import { type VersionName, compareVersionNames, parseVersionName } from '../../shared/version-name';
import { readVerified } from './kit-file-hash';
import type { KitManifest } from './kit-manifest';
import type { SignedKit } from './kit-verify';

/** A note larger than this is cut: notes are for reading, not a channel for anything else. */
export const RELEASE_NOTE_MAX_BYTES = 256 * 1024;

type WantedNote = KitManifest['releaseNotes'][number];

/** The notes of every version after the installed one up to the kit's, newest first (NOTA BENE 1). */
export function wantedReleaseNotes(kit: SignedKit, installed: VersionName | null): WantedNote[] {
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
 * The wanted notes, each read from `from` (the stick, or the run's staged copy) and shown only
 * when its bytes match the signed manifest's size and SHA-256: the text shown is the text hashed.
 * A note that is missing or altered is left out (check.release-notes names it).
 */
export async function readReleaseNotes(
  kit: SignedKit,
  installed: VersionName | null,
  from: string = kit.dir,
): Promise<ReleaseNote[]> {
  const out: ReleaseNote[] = [];
  for (const n of wantedReleaseNotes(kit, installed)) {
    const entry = kit.manifest.files.find((f) => f.path === n.path);
    const file = path.join(from, ...n.path.split('/'));
    const bytes = entry ? await readVerified(file, entry, RELEASE_NOTE_MAX_BYTES) : null;
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
