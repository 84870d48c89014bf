import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseNote } from '../../shared/plan';
import { type VersionName, compareVersionNames, parseVersionName } from '../../shared/version-name';
import type { SignedKit } from './kit-verify';

/** A note larger than this is cut: notes are for reading, not a channel for anything else. */
export const RELEASE_NOTE_MAX_BYTES = 256 * 1024;

/**
 * The notes of every version after the installed one up to the kit's, newest first (NOTA BENE 1).
 * They come from the signed manifest's list; their bytes are checked with the other kit files.
 */
export async function readReleaseNotes(
  kit: SignedKit,
  installed: VersionName | null,
): Promise<ReleaseNote[]> {
  const wanted = kit.manifest.releaseNotes
    .map((n) => ({ ...n, parsed: parseVersionName(n.version) }))
    .filter(
      (n) =>
        compareVersionNames(n.parsed, kit.version) <= 0 &&
        (!installed || compareVersionNames(n.parsed, installed) > 0),
    )
    .sort((a, b) => compareVersionNames(b.parsed, a.parsed) || a.lang.localeCompare(b.lang));
  const out: ReleaseNote[] = [];
  for (const n of wanted) {
    const bytes = await readFile(path.join(kit.dir, ...n.path.split('/'))).catch(() => null);
    if (!bytes) continue;
    out.push({
      version: n.version,
      lang: n.lang,
      markdown: bytes.subarray(0, RELEASE_NOTE_MAX_BYTES).toString('utf8'),
    });
  }
  return out;
}
