import { type FileHandle, open } from 'node:fs/promises';
import { HashWorker } from './hash-worker';

/** Bytes read and written at a time. */
const CHUNK = 1 << 20;

async function writeWhole(target: FileHandle, bytes: Buffer): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await target.write(bytes, done, bytes.length - done)).bytesWritten;
}

/**
 * Copies `from` to `to`, a new file (never over one that exists, nor through a link planted in
 * its place: 'wx' is O_CREAT|O_EXCL, CREATE_NEW on Windows), and returns the SHA-256 of the very
 * bytes written. What is restored from `to` afterwards is exactly what was hashed, whatever
 * happens to `from` meanwhile. The hashing runs on its own thread, beside the copying.
 */
export async function sealedCopy(from: string, to: string): Promise<string> {
  const source = await open(from, 'r');
  const hasher = new HashWorker();
  try {
    const target = await open(to, 'wx', 0o600);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await source.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        await writeWhole(target, chunk);
        await hasher.update([chunk]);
      }
      await target.sync();
    } finally {
      await target.close();
    }
    return await hasher.digest();
  } finally {
    await hasher.close();
    await source.close();
  }
}

/** Writes bytes already in memory (and hashed there) to a new file, as sealedCopy does. */
export async function sealedWrite(to: string, bytes: Buffer): Promise<void> {
  const target = await open(to, 'wx', 0o600);
  try {
    await writeWhole(target, bytes);
    await target.sync();
  } finally {
    await target.close();
  }
}

/** The SHA-256 of a file, read on a thread of its own (a database backup can be gigabytes). */
export async function sha256OfFile(file: string): Promise<string> {
  const hasher = new HashWorker();
  try {
    return await hasher.hashFile(file);
  } finally {
    await hasher.close();
  }
}
