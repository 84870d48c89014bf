import { type Hash, createHash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { closeQuietly, codedError, failure, readAt } from './zip-thread-io';
import { blockOf, madeGarbage } from './zip-thread-memory';
import {
  BLOCK,
  type PrepareRequest,
  type PreparedFile,
  type PreparedPiece,
  type ReplyOf,
  type RequestOf,
} from './zip-thread-messages';

/**
 * A zip thread's reading of the source folder's files for the backup: each one read, hashed and
 * (when worth it) deflated into a block that goes to the zip writer.
 */

/**
 * Opens a source file for reading and returns its descriptor. The shipped thread opens files as
 * they are; a test's thread fails some opens as Windows fails them (a file IIS holds: EBUSY).
 */
export type OpenSource = (file: string) => number;

/** Formats that are compressed already: deflating them again costs time and saves nothing. */
const COMPRESSED = new Set([
  ...['.zip', '.gz', '.tgz', '.bz2', '.xz', '.7z', '.rar', '.nupkg', '.cab', '.msi', '.jar', '.apk'],
  ...['.jpg', '.jpeg', '.png', '.gif', '.webp', '.avif', '.heic'],
  ...['.mp4', '.m4v', '.mov', '.avi', '.wmv', '.mp3', '.m4a', '.ogg'],
  ...['.pdf', '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp', '.epub', '.vsix', '.woff', '.woff2'],
]);
/** Text formats: deflated without sampling them first. */
const TEXT = new Set([
  ...['.aspx', '.ascx', '.asax', '.ashx', '.asmx', '.master', '.cshtml', '.vbhtml', '.html', '.htm'],
  ...['.js', '.mjs', '.css', '.json', '.xml', '.xsd', '.xsl', '.xslt', '.config', '.resx'],
  ...['.txt', '.csv', '.sql', '.svg', '.map', '.md', '.ps1'],
]);

/** Order-0 entropy, in bits per byte, of three 1 KiB windows (at 1/8, 1/2, 7/8), or of all of a small buffer. */
function entropy(buf: Buffer): { bits: number; sampled: number } {
  const counts = new Uint32Array(256);
  const WINDOW = 1024;
  let sampled = 0;
  const take = (from: number, to: number) => {
    for (const b of buf.subarray(from, to)) counts[b] = (counts[b] ?? 0) + 1;
    sampled += to - from;
  };
  if (buf.length <= 3 * WINDOW) take(0, buf.length);
  else
    for (const at of [buf.length >> 3, buf.length >> 1, buf.length - (buf.length >> 3) - WINDOW])
      take(at, at + WINDOW);
  let bits = 0;
  for (const c of counts)
    if (c) {
      const p = c / sampled;
      bits -= p * Math.log2(p);
    }
  return { bits, sampled };
}

/**
 * Store (0) or deflate (8). The extension says what a file is meant to be, a sample of its
 * content what it is: bytes that look random (an upload saved under a GUID, a JPEG named .dat) are
 * stored, and a "compressed" format whose sample plainly is not (an uncompressed PDF) is deflated.
 */
function choose(ext: string, buf: Buffer): 0 | 8 {
  if (buf.length === 0) return 0;
  if (TEXT.has(ext)) return 8;
  const known = COMPRESSED.has(ext);
  if (buf.length < 1024) return known ? 0 : 8;
  const { bits, sampled } = entropy(buf);
  if (known) return bits < 6 ? 8 : 0;
  // What random bytes would measure on a sample this size (the estimate is biased by 255 / (2 n ln 2)).
  return bits >= 8 - 255 / (2 * sampled * Math.LN2) - 0.1 ? 0 : 8;
}

/** One file into its slot of the batch's block: read whole, hashed, and replaced there by its deflated bytes when that saves. */
function prepareFile(f: PrepareRequest, slot: Buffer, level: number, open: OpenSource): PreparedFile {
  const fd = open(f.path);
  let n: number;
  try {
    n = readAt(fd, slot, 0);
  } finally {
    closeSync(fd);
  }
  // The slot has one byte more than listed, to notice a file that grew since.
  if (n > f.size) throw codedError('ECHANGED', 'the file grew since it was listed');
  const raw = slot.subarray(0, n);
  const digest = { crc32: crc32(raw), sha256: createHash('sha256').update(raw).digest('hex'), size: n };
  if (choose(f.ext, raw) === 8) {
    const deflated = deflateRawSync(raw, { level });
    madeGarbage(deflated.length);
    // Deflate that saves less than 2 % is not worth inflating at restore: store.
    if (deflated.length < n * 0.98) {
      deflated.copy(slot);
      return { ...digest, method: 8, offset: slot.byteOffset, length: deflated.length };
    }
  }
  return { ...digest, method: 0, offset: slot.byteOffset, length: n };
}

/** A batch of files that fit in one block together: each is read into its slot. */
export function prepare(request: RequestOf<'prepare'>, open: OpenSource): ReplyOf<'prepare'> {
  const total = request.files.reduce((s, f) => s + f.size + 1, 0);
  const block = blockOf(total);
  let at = 0;
  const results = request.files.map((f) => {
    const slot = block.subarray(at, at + f.size + 1);
    at += f.size + 1;
    try {
      return prepareFile(f, slot, request.level, open);
    } catch (err) {
      return failure(err);
    }
  });
  return { op: 'prepare', results, block: block.buffer };
}

// A file too big for one block, read and deflated a block at a time. Every piece of a file comes
// to the same thread, in order, so its CRC-32 and SHA-256 run on here. A piece leaves 64 KiB of
// its block free: deflate can grow incompressible bytes a little (zlib's deflateBound: some
// 0.03 %), and the piece must still fit. Each deflated piece is a deflate stream of its own, ended
// by a sync flush (the last one by the final block): their concatenation is one valid deflate
// stream, as pigz writes it.
const PIECE = BLOCK - (64 << 10);

interface Streamed {
  fd: number;
  sha: Hash;
  crc: number;
  size: number;
  /** Chosen on the first piece, for the whole file. */
  method: 0 | 8 | null;
}
const streamed = new Map<string, Streamed>();

function nextPiece(st: Streamed, ext: string, level: number, block: Buffer): PreparedPiece {
  const n = readAt(st.fd, block.subarray(0, PIECE), st.size);
  const raw = block.subarray(0, n);
  const eof = n < PIECE;
  const method = (st.method ??= choose(ext, raw));
  st.sha.update(raw);
  st.crc = crc32(raw, st.crc);
  st.size += n;
  let length = n;
  if (method === 8) {
    const finishFlush = eof ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
    const deflated = deflateRawSync(raw, { level, finishFlush });
    madeGarbage(deflated.length);
    if (deflated.length > BLOCK) throw new Error('a deflated piece outgrew its block');
    deflated.copy(block);
    length = deflated.length;
  }
  if (!eof) return { method, length, eof };
  return { method, length, eof, digest: { crc32: st.crc, sha256: st.sha.digest('hex'), size: st.size } };
}

/** The next piece of the file `key` names; its descriptor stays open from the first piece to the last. */
export function piece(request: RequestOf<'piece'>, open: OpenSource): ReplyOf<'piece'> {
  const block = blockOf(BLOCK);
  let st = streamed.get(request.key);
  try {
    if (!st) {
      st = { fd: open(request.path), sha: createHash('sha256'), crc: 0, size: 0, method: null };
      streamed.set(request.key, st);
    }
    const result = nextPiece(st, request.ext, request.level, block);
    if (result.eof) {
      streamed.delete(request.key);
      closeSync(st.fd);
    }
    return { op: 'piece', result, block: block.buffer };
  } catch (err) {
    if (st) closeQuietly(st.fd);
    streamed.delete(request.key);
    return { op: 'piece', result: failure(err), block: block.buffer };
  }
}

/** A file whose pieces will not be asked for any more (the backup stopped). */
export function forget(request: RequestOf<'forget'>): ReplyOf<'forget'> {
  const st = streamed.get(request.key);
  streamed.delete(request.key);
  if (st) closeQuietly(st.fd);
  return { op: 'forget' };
}
