import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** The SHA-256 of bytes in memory, in hex as manifests and the journal record it. (A file read on a thread of its own: hash-worker.ts.) */
export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface FileDigest {
  sha256: string;
  crc32: number;
  size: number;
}

const DIGEST_CHUNK = 1 << 20;

/** SHA-256, CRC-32 and size, fed block by block. */
function digester() {
  const sha = createHash('sha256');
  let crc = 0;
  let size = 0;
  return {
    add(chunk: Buffer) {
      sha.update(chunk);
      crc = crc32(chunk, crc);
      size += chunk.length;
    },
    done: (): FileDigest => ({ sha256: sha.digest('hex'), crc32: crc, size }),
  };
}

/** SHA-256 and CRC-32 of a file, read in 1 MiB blocks (native CRC-32 from zlib). */
export async function digestFile(file: string): Promise<FileDigest> {
  const digest = digester();
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(DIGEST_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      digest.add(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return digest.done();
}

/** The same, synchronously, through the caller's buffer: a zip thread's way, where nothing else waits. */
export function digestFileSync(file: string, chunk: Buffer): FileDigest {
  const digest = digester();
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      digest.add(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return digest.done();
}
