import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SignedKit } from './kit-verify';

/**
 * Windows marks downloaded files with an NTFS stream, `file:Zone.Identifier`; such files may be
 * blocked from running. Node opens the stream by that very path on Windows. A copy of such a file
 * made elsewhere keeps it as a sibling literally named `file:Zone.Identifier`, which is what the
 * same path reads on Linux, so one code path serves both.
 */
const STREAM = ':Zone.Identifier';

export interface MarkedFile {
  path: string;
  zoneId: number | null;
}

export async function findMarkedKitFiles(kit: SignedKit): Promise<MarkedFile[]> {
  const out: MarkedFile[] = [];
  for (const f of kit.manifest.files) {
    const text = await readFile(path.join(kit.dir, ...f.path.split('/')) + STREAM, 'utf8').catch(() => null);
    if (text === null) continue;
    const zone = /ZoneId\s*=\s*(\d+)/i.exec(text);
    out.push({ path: f.path, zoneId: zone?.[1] ? Number(zone[1]) : null });
  }
  return out;
}

/** Removes the mark: only ever called after the signature and every hash have passed. */
export async function unblockKitFiles(kit: SignedKit, files: readonly MarkedFile[]): Promise<void> {
  for (const f of files) await rm(path.join(kit.dir, ...f.path.split('/')) + STREAM, { force: true });
}
