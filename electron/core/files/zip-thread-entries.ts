import { createHash } from 'node:crypto';
import { chmodSync, closeSync, futimesSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { closeQuietly, codedError, failure, problem, readAt, writeAll } from './zip-thread-io';
import { madeGarbage, scratchOf } from './zip-thread-memory';
import {
  type CheckResult,
  GROUP_BYTES,
  type ReplyOf,
  type RequestOf,
  type ZipRange,
  type ZipRangeEntry,
} from './zip-thread-messages';

/**
 * A zip thread's reading of entries out of the zip, for its verification (each entry inflated and
 * CRC-checked) and for the restore (each entry written out, checked as it is written).
 */

const CHUNK = 1 << 20;
const LOCAL_HEADER = 0x04034b50;

/** An entry's stored bytes: all of them (read with the rest of its group), or read a chunk at a time. */
type EntryData = { whole: Buffer } | { chunks: () => Generator<Buffer> };

const shortZip = () => codedError('ETRUNC', 'the zip is shorter than its directory says');

/** A big entry, a group of its own: its local header, then its data a chunk at a time. */
function streamedData(fd: number, e: ZipRangeEntry): EntryData | null {
  const head = Buffer.alloc(30);
  if (readAt(fd, head, e.offset) !== 30 || head.readUInt32LE(0) !== LOCAL_HEADER) return null;
  const dataStart = e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const chunks = function* () {
    const chunk = scratchOf(CHUNK);
    let done = 0;
    while (done < e.csize) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, e.csize - done), dataStart + done);
      if (n === 0) throw shortZip();
      done += n;
      yield chunk.subarray(0, n);
    }
  };
  return { chunks };
}

/** An entry's data within its group, read whole into `group` (which starts at `start` in the zip). */
function groupData(group: Buffer, start: number, e: ZipRangeEntry): EntryData | null {
  const at = e.offset - start;
  if (at + 30 > group.length || group.readUInt32LE(at) !== LOCAL_HEADER) return null;
  const dataStart = at + 30 + group.readUInt16LE(at + 26) + group.readUInt16LE(at + 28);
  if (dataStart + e.csize > group.length) return null;
  return { whole: group.subarray(dataStart, dataStart + e.csize) };
}

/**
 * Visits each entry of a range of the zip with its data, in order. A range is a run of
 * consecutive entries, [start, end) in the file, read in one go; one big entry is a range of its
 * own and is streamed.
 */
async function forEachEntry(
  zip: string,
  range: ZipRange,
  visit: (e: ZipRangeEntry, data: EntryData) => Promise<CheckResult>,
): Promise<CheckResult[]> {
  const fd = openSync(zip, 'r');
  try {
    const single = range.entries.length === 1 && (range.entries[0]?.csize ?? 0) > GROUP_BYTES;
    const group = single ? null : scratchOf(range.end - range.start);
    if (group && readAt(fd, group, range.start) !== group.length) throw shortZip();
    const out: CheckResult[] = [];
    for (const e of range.entries) {
      const data = group ? groupData(group, range.start, e) : streamedData(fd, e);
      out.push(data ? await visit(e, data) : problem(e.name, 'header'));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** The raw bytes of an entry, a piece at a time, inflated when the entry is deflated. */
async function* contents(e: ZipRangeEntry, data: EntryData): AsyncGenerator<Buffer> {
  if (e.method !== 0 && e.method !== 8) throw codedError('EMETHOD', `compression method ${e.method}`);
  if ('whole' in data) {
    if (e.method === 0) yield data.whole;
    else {
      const inflated = inflateRawSync(data.whole);
      madeGarbage(inflated.length);
      yield inflated;
    }
    return;
  }
  if (e.method === 0) {
    yield* data.chunks();
    return;
  }
  const inflate = createInflateRaw();
  const pending: Buffer[] = [];
  inflate.on('data', (c: Buffer) => pending.push(c));
  const ended = new Promise((resolve, reject) => {
    inflate.on('end', resolve);
    inflate.on('error', reject);
  });
  ended.catch(() => undefined);
  for (const c of data.chunks()) {
    madeGarbage(2 * c.length);
    // A copy: the chunk is the scratch block, read into again for the next one.
    if (!inflate.write(Buffer.from(c))) await new Promise((resolve) => inflate.once('drain', resolve));
    yield* pending.splice(0);
  }
  inflate.end();
  await ended;
  yield* pending.splice(0);
}

/** Checks the CRC-32 and size of each entry of a range. */
export async function check(request: RequestOf<'check'>): Promise<ReplyOf<'check'>> {
  const results = await forEachEntry(request.zip, request, async (e, data) => {
    try {
      let crc = 0;
      let size = 0;
      for await (const c of contents(e, data)) {
        crc = crc32(c, crc);
        size += c.length;
      }
      if (size !== e.size) return problem(e.name, 'size');
      if (crc !== e.crc) return problem(e.name, 'crc32');
      return { ok: true };
    } catch (err) {
      return problem(e.name, 'data', err instanceof Error ? err.message : String(err));
    }
  });
  return { op: 'check', results };
}

function openForWrite(full: string, mode: number): number {
  try {
    return openSync(full, 'w', mode | 0o200);
  } catch (err) {
    const code = failure(err).error.code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    // A read-only file in the way (Windows refuses to overwrite it): make it writable, remove it.
    chmodSync(full, 0o666);
    rmSync(full, { force: true });
    return openSync(full, 'w', mode | 0o200);
  }
}

/** Writes one entry under `root`, checking size, CRC-32 and SHA-256 of the very bytes written; then its mtime and mode. */
async function restoreEntry(root: string, e: ZipRangeEntry, data: EntryData): Promise<CheckResult> {
  const { sha256, mode, mtimeMs } = e;
  if (sha256 === undefined || mode === undefined || mtimeMs === undefined)
    return problem(e.name, 'data', 'the restore was not given its SHA-256, mode and mtime');
  const full = path.join(root, e.name);
  let fd: number | null = null;
  try {
    const sha = createHash('sha256');
    let crc = 0;
    let size = 0;
    fd = openForWrite(full, mode);
    for await (const c of contents(e, data)) {
      sha.update(c);
      crc = crc32(c, crc);
      size += c.length;
      writeAll(fd, c);
    }
    // The bytes written are the bytes backed up: what lets the tree hash count on the manifest's SHA-256.
    const wrong =
      size !== e.size ? 'size' : crc !== e.crc ? 'crc32' : sha.digest('hex') !== sha256 ? 'sha256' : null;
    if (wrong) {
      // Bytes that are not the backup's are not left in the folder.
      closeSync(fd);
      fd = null;
      rmSync(full, { force: true });
      return problem(e.name, wrong);
    }
    futimesSync(fd, mtimeMs / 1000, mtimeMs / 1000);
    closeSync(fd);
    fd = null;
    chmodSync(full, mode);
    return { ok: true };
  } catch (err) {
    return failure(err);
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}

/** Unpacks a range of the zip under `root`. */
export async function extract(request: RequestOf<'extract'>): Promise<ReplyOf<'extract'>> {
  const results = await forEachEntry(request.zip, request, (e, data) => restoreEntry(request.root, e, data));
  return { op: 'extract', results };
}
