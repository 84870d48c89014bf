import fs from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { GROUP_BYTES, type ZipRange, type ZipRangeEntry } from './zip-thread-messages';

/** An entry of a zip's central directory, as yauzl reads it (Zip64 fields resolved, names decoded). */
export interface ZipDirectoryEntry {
  name: string;
  offset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  method: number;
  encrypted: boolean;
}

const CHUNK = 1 << 20;

/**
 * What yauzl reads the zip through: whole 1 MiB chunks, a few kept. yauzl asks for each record of
 * the central directory in two small reads; read one by one from the file, 8,900 entries took
 * 0.8 s, nearly all of it in thread hand-offs. Served from chunks, they take a few milliseconds.
 */
class ChunkedReader extends yauzl.RandomAccessReader {
  private readonly cache = new Map<number, Buffer>();

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return fs.createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  private chunk(index: number): Promise<Buffer> {
    const cached = this.cache.get(index);
    if (cached) return Promise.resolve(cached);
    const at = index * CHUNK;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, this.size - at));
    return new Promise((resolve, reject) =>
      fs.read(this.fd, buf, 0, buf.length, at, (err, n) => {
        if (err) return reject(err);
        if (n !== buf.length) return reject(new Error('unexpected end of the zip'));
        if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value as number);
        this.cache.set(index, buf);
        resolve(buf);
      }),
    );
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    // Served from a chunk at hand: copied now, answered on the next microtask (never synchronously:
    // yauzl would recurse once per entry).
    const index = Math.floor(position / CHUNK);
    const hit = this.cache.get(index);
    if (hit && (position % CHUNK) + length <= hit.length) {
      hit.copy(buffer, offset, position % CHUNK, (position % CHUNK) + length);
      queueMicrotask(() => callback(null));
      return;
    }
    (async () => {
      let done = 0;
      while (done < length) {
        const at = position + done;
        const c = await this.chunk(Math.floor(at / CHUNK));
        const from = at % CHUNK;
        const n = Math.min(length - done, c.length - from);
        if (n <= 0) throw new Error('unexpected end of the zip');
        c.copy(buffer, offset + done, from, from + n);
        done += n;
      }
    })().then(
      () => callback(null),
      (err: Error) => callback(err),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    fs.close(this.fd, (err) => callback(err ?? null));
  }
}

/**
 * Reads a zip's central directory with yauzl: names (UTF-8 or CP437, as the flag says), sizes,
 * CRC-32s and offsets, Zip64 included; yauzl refuses unsafe names and inconsistent records.
 * The data is not read here.
 */
export async function readZipDirectory(
  zipPath: string,
): Promise<{ entries: ZipDirectoryEntry[]; directoryOffset: number }> {
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(zipPath, 'r', (err, n) => (err ? reject(err) : resolve(n))),
  );
  let zip: yauzl.ZipFile;
  try {
    const { size } = await new Promise<fs.Stats>((resolve, reject) =>
      fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))),
    );
    zip = await yauzl.fromRandomAccessReaderPromise(new ChunkedReader(fd, size), size, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (err) {
    fs.close(fd, () => undefined);
    throw err;
  }
  // Where the central directory starts: where the data of the last entry ends, at the latest.
  const directoryOffset =
    (zip as unknown as { readEntryCursor?: number }).readEntryCursor ??
    (zip as unknown as { fileSize: number }).fileSize;
  try {
    const out: ZipDirectoryEntry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({
          name: e.fileName,
          offset: e.relativeOffsetOfLocalHeader,
          compressedSize: e.compressedSize,
          size: e.uncompressedSize,
          crc32: e.crc32,
          method: e.compressionMethod,
          encrypted: e.isEncrypted(),
        });
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
    return { entries: out, directoryOffset };
  } finally {
    zip.close();
  }
}

/** A group of consecutive entries holds at most this many (and spans at most GROUP_BYTES). */
const GROUP_ENTRIES = 256;

/**
 * Cuts the entries (sorted by offset) into ranges of the file that a worker reads in one go.
 * `end` of a range is where the next entry's local header starts (or the central directory),
 * so a range covers headers, data and data descriptors.
 */
export function zipRanges(entries: readonly (ZipRangeEntry & { next: number })[]): ZipRange[] {
  // One big entry is a range of its own, which the worker streams.
  const out: ZipRange[] = [];
  let current: ZipRange | null = null;
  for (const e of entries) {
    if (
      current &&
      (e.next - current.start > GROUP_BYTES ||
        current.entries.length >= GROUP_ENTRIES ||
        e.csize > GROUP_BYTES)
    ) {
      out.push(current);
      current = null;
    }
    current ??= { start: e.offset, end: e.next, entries: [] };
    current.entries.push(e);
    current.end = e.next;
  }
  if (current) out.push(current);
  return out;
}
