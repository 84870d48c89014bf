import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { UpgradeError, msg } from '../../shared/message';
import { forEachZipEntry } from './zip-read';
import { type BackupManifest, type FileProgress, backupManifestSchema, manifestPathFor } from './manifest';

export async function readManifest(zipPath: string): Promise<BackupManifest> {
  let raw: string;
  try {
    raw = await readFile(manifestPathFor(zipPath), 'utf8');
  } catch (err) {
    throw new UpgradeError(msg('backup.files.manifest-missing', { zip: zipPath }), String(err));
  }
  const parsed = backupManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new UpgradeError(msg('backup.files.manifest-invalid', { zip: zipPath }), parsed.error.message);
  return parsed.data;
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/**
 * Re-reads the written zip: its SHA-256, then every entry's CRC-32 and size against the
 * manifest, and that no entry is missing or extra. Only a verified zip opens the upgrade gate.
 */
export async function verifyZip(zipPath: string, onProgress?: (p: FileProgress) => void): Promise<BackupManifest> {
  const manifest = await readManifest(zipPath);
  const fail = (problem: string, entry: string) =>
    new UpgradeError(msg('backup.files.verify-failed', { zip: path.basename(zipPath), entry, problem }));
  if ((await sha256OfFile(zipPath)) !== manifest.zip.sha256) throw fail('sha256', manifest.zip.file);

  const expected = new Map(manifest.entries.map((e) => [e.path, e]));
  const seen = new Set<string>();
  const bytesTotal = manifest.entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
  const progress: FileProgress = { itemsDone: 0, itemsTotal: manifest.entries.length, bytesDone: 0, bytesTotal };
  await forEachZipEntry(zipPath, async (entry, openStream) => {
    const name = entry.fileName.replace(/\/$/, '');
    const want = expected.get(name);
    if (!want) throw fail('unexpected', name);
    seen.add(name);
    if (want.type === 'file') {
      let crc = 0;
      let size = 0;
      for await (const chunk of await openStream()) {
        crc = crc32(chunk, crc);
        size += chunk.length;
      }
      if (size !== want.size) throw fail('size', name);
      if (crc !== want.crc32 || entry.crc32 !== want.crc32) throw fail('crc32', name);
      progress.bytesDone += size;
    }
    progress.itemsDone++;
    onProgress?.({ ...progress });
  });
  for (const e of manifest.entries) if (!seen.has(e.path)) throw fail('missing', e.path);
  return manifest;
}
