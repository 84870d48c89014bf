import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { KitManifest } from './kit-manifest';

export type KitFileEntry = KitManifest['files'][number];

/** A file's SHA-256 and size, streamed; with its first `keep` bytes when asked (a note to show). */
export async function hashFile(
  file: string,
  keep = 0,
): Promise<{ sha256: string; size: number; head: Buffer }> {
  const h = createHash('sha256');
  const head: Buffer[] = [];
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    if (size < keep) head.push(chunk.subarray(0, keep - size));
    size += chunk.length;
  }
  return { sha256: h.digest('hex'), size, head: Buffer.concat(head) };
}

/**
 * The file's first `keep` bytes when it is a plain file (no link) with exactly the size and
 * SHA-256 the signed manifest gives; null otherwise. The bytes returned are the ones hashed.
 */
export async function readVerified(file: string, entry: KitFileEntry, keep = 0): Promise<Buffer | null> {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile() || st.size !== entry.size) return null;
  const got = await hashFile(file, keep).catch(() => null);
  return got && got.size === entry.size && got.sha256 === entry.sha256 ? got.head : null;
}

/** Whether the file is a plain file with the signed size and SHA-256. */
export async function matchesEntry(file: string, entry: KitFileEntry): Promise<boolean> {
  return (await readVerified(file, entry)) !== null;
}
