import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type TreeEntry, isExcluded } from './tree';
import { GROUP_BYTES } from './zip-read';

/**
 * The threads that do the heavy work on file data, for the backup, its verification and the
 * restore. Each takes a batch (files to prepare, a range of the zip to check or to unpack, files
 * to hash) and does it with synchronous calls, since a worker has nothing else to do: no
 * hand-off to libuv's thread pool per open, read, close and deflate chunk. The main thread is
 * left with the listing and the zip writer, and several files are read at once, which is what
 * hides the latency of an antivirus that scans every open.
 *
 * Measured on 2 cores (the synthetic CRM folder of npm run bench:backup): reading on the thread
 * pool and deflating there cost four or five thread hand-offs per file, and the deflates queued
 * in front of the reads; a batch here costs two, and the backup took half the time.
 *
 * The worker is plain JavaScript evaluated from a string: nothing to bundle or to find on disk.
 */

/**
 * The one size of the blocks that carry prepared files from a worker to the zip writer: a batch
 * of small files, or one file of up to BLOCK bytes (a bigger one is streamed).
 */
export const BLOCK = 4 << 20;
/** A guard on the blocks a worker keeps; the pipeline's own bound keeps far fewer in circulation. */
const SPARE_BLOCKS = 16;
/** Bytes of short-lived buffers a worker makes between two (minor) collections of its garbage. */
const GARBAGE_EVERY = 4 << 20;

/** Formats that are compressed already: deflating them again costs time and saves nothing. */
const COMPRESSED_EXTENSIONS = [
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.xz',
  '.7z',
  '.rar',
  '.jpg',
  '.jpeg',
  '.png',
  '.gif',
  '.webp',
  '.avif',
  '.heic',
  '.mp4',
  '.m4v',
  '.mov',
  '.avi',
  '.wmv',
  '.mp3',
  '.m4a',
  '.ogg',
  '.pdf',
  '.docx',
  '.xlsx',
  '.pptx',
  '.odt',
  '.ods',
  '.odp',
  '.woff',
  '.woff2',
  '.nupkg',
  '.cab',
  '.msi',
  '.jar',
  '.apk',
  '.epub',
  '.vsix',
];
/** Text formats: deflated without sampling them first. */
const TEXT_EXTENSIONS = [
  '.aspx',
  '.ascx',
  '.asax',
  '.ashx',
  '.asmx',
  '.master',
  '.cshtml',
  '.vbhtml',
  '.html',
  '.htm',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.xml',
  '.xsd',
  '.xsl',
  '.xslt',
  '.config',
  '.resx',
  '.txt',
  '.csv',
  '.sql',
  '.svg',
  '.map',
  '.md',
  '.ps1',
];

const SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const COMPRESSED = new Set(${JSON.stringify(COMPRESSED_EXTENSIONS)});
const TEXT = new Set(${JSON.stringify(TEXT_EXTENSIONS)});
const CHUNK = 1 << 20;

// ---- blocks ---------------------------------------------------------------------------------
// All blocks have one size, BLOCK, and go round: the main thread gives each back once its bytes
// are in the zip, and it is used again; none is ever freed. Blocks of many sizes, allocated and
// dropped, leave their memory in this thread's malloc arena, where it stays: measured, 60 MB
// resident per worker on the synthetic CRM folder at scale 10.
const BLOCK = ${BLOCK};
const spare = [];
function blockOf(size) {
  if (size > BLOCK) throw new Error('a batch of ' + size + ' bytes does not fit in a block');
  const ab = spare.pop() || new ArrayBuffer(BLOCK);
  return Buffer.from(ab, 0, size);
}
function giveBack(ab) {
  if (ab.byteLength === BLOCK && spare.length < ${SPARE_BLOCKS}) spare.push(ab);
}
// Blocks for this thread's own use (reading the zip, hashing), kept between batches.
let scratch = null;
function scratchOf(size) {
  if (!scratch || scratch.length < size) scratch = Buffer.from(new ArrayBuffer(Math.max(size, BLOCK)));
  return scratch.subarray(0, size);
}

// ---- opening a source file --------------------------------------------------------------------
// Tests can make an open fail as Windows makes it fail (a file held by IIS gives EBUSY), which a
// root user on Linux cannot otherwise see: 'simulate' maps the end of a path to an error code.
let simulate = {};
function openSource(file) {
  for (const [suffix, code] of Object.entries(simulate)) {
    if (file.endsWith(suffix)) throw Object.assign(new Error(code + ': simulated, open ' + file), { code, path: file });
  }
  return fs.openSync(file, 'r');
}

// ---- helpers --------------------------------------------------------------------------------
function readAt(fd, buf, position) {
  let filled = 0;
  while (filled < buf.length) {
    const n = fs.readSync(fd, buf, filled, buf.length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
function writeAll(fd, buf) {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done);
}
function failure(err) {
  return { error: { code: err && err.code ? String(err.code) : 'EUNKNOWN', message: String((err && err.message) || err), path: err && err.path ? String(err.path) : undefined } };
}
function problem(name, kind, detail) {
  return { error: { code: 'EZIP', problem: kind, entry: name, message: name + ': ' + kind + (detail ? ' (' + detail + ')' : '') } };
}

// Order-0 entropy, in bits per byte, of three 1 KiB windows (at 1/8, 1/2, 7/8), or of all of a small buffer.
function entropy(buf) {
  const counts = new Uint32Array(256);
  const W = 1024;
  let sampled = 0;
  const take = (from, to) => { for (let i = from; i < to; i++) counts[buf[i]]++; sampled += to - from; };
  if (buf.length <= 3 * W) take(0, buf.length);
  else for (const at of [buf.length >> 3, buf.length >> 1, buf.length - (buf.length >> 3) - W]) take(at, at + W);
  let bits = 0;
  for (const c of counts) if (c) { const p = c / sampled; bits -= p * Math.log2(p); }
  return { bits, sampled };
}

// Store (0) or deflate (8). The extension says what a file is meant to be, a sample of its content
// what it is: bytes that look random (an upload saved under a GUID, a JPEG named .dat) are stored,
// and a "compressed" format whose sample plainly is not (an uncompressed PDF) is deflated.
function choose(ext, buf) {
  if (buf.length === 0) return 0;
  if (TEXT.has(ext)) return 8;
  const known = COMPRESSED.has(ext);
  if (buf.length < 1024) return known ? 0 : 8;
  const { bits, sampled } = entropy(buf);
  if (known) return bits < 6 ? 8 : 0;
  // What random bytes would measure on a sample this size (the estimate is biased by 255 / (2 n ln 2)).
  return bits >= 8 - 255 / (2 * sampled * Math.LN2) - 0.1 ? 0 : 8;
}

// ---- prepare: files for the zip ---------------------------------------------------------------
function prepare({ level, files }) {
  // One block for the batch: each file is read into its slot, and replaced there by its deflated bytes.
  const total = files.reduce((s, f) => s + f.size + 1, 0);
  const block = blockOf(total);
  let at = 0;
  const results = files.map((f) => {
    try {
      // One byte more than listed, to notice a file that grew since.
      const slot = block.subarray(at, at + f.size + 1);
      at += f.size + 1;
      const fd = openSource(f.path);
      let n;
      try {
        n = readAt(fd, slot, 0);
      } finally {
        fs.closeSync(fd);
      }
      if (n > f.size) throw Object.assign(new Error('the file grew since it was listed'), { code: 'ECHANGED' });
      const raw = slot.subarray(0, n);
      const crc = zlib.crc32(raw);
      const sha256 = createHash('sha256').update(raw).digest('hex');
      let method = choose(f.ext, raw);
      let length = n;
      if (method === 8) {
        const deflated = zlib.deflateRawSync(raw, { level });
        madeGarbage(deflated.length);
        // Deflate that saves less than 2 % is not worth inflating at restore: store.
        if (deflated.length < n * 0.98) {
          deflated.copy(slot);
          length = deflated.length;
        } else method = 0;
      }
      return { crc32: crc, sha256, size: n, method, offset: slot.byteOffset, length };
    } catch (err) {
      return failure(err);
    }
  });
  return { results, transfer: block.buffer };
}

// ---- pieces: a file too big for one block, read and deflated a block at a time ----------------
// Every piece of a file goes to the same worker, in order, so its CRC-32 and SHA-256 run on here.
// A piece leaves 64 KiB of its block free: deflate can grow incompressible bytes a little (zlib's
// deflateBound: some 0.03 %), and the piece must still fit.
const PIECE = BLOCK - (64 << 10);
// Each deflated piece is a deflate stream of its own, ended by a sync flush (the last one by the
// final block): their concatenation is one valid deflate stream, as pigz writes it.
const pieces = new Map();
function piece({ key, path: file, ext, level }) {
  const block = blockOf(BLOCK);
  let st = pieces.get(key);
  try {
    if (!st) {
      st = { fd: openSource(file), sha: createHash('sha256'), crc: 0, size: 0, method: -1 };
      pieces.set(key, st);
    }
    const n = readAt(st.fd, block.subarray(0, PIECE), st.size);
    const raw = block.subarray(0, n);
    const eof = n < PIECE;
    if (st.method < 0) st.method = choose(ext, raw);
    st.sha.update(raw);
    st.crc = zlib.crc32(raw, st.crc);
    st.size += n;
    let length = n;
    if (st.method === 8) {
      const deflated = zlib.deflateRawSync(raw, { level, finishFlush: eof ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH });
      madeGarbage(deflated.length);
      if (deflated.length > BLOCK) throw new Error('a deflated piece outgrew its block');
      deflated.copy(block);
      length = deflated.length;
    }
    const out = { method: st.method, offset: 0, length, eof };
    if (eof) {
      Object.assign(out, { crc32: st.crc, sha256: st.sha.digest('hex'), size: st.size });
      fs.closeSync(st.fd);
      pieces.delete(key);
    }
    return { results: [out], transfer: block.buffer };
  } catch (err) {
    if (st) try { fs.closeSync(st.fd); } catch { /* reported below */ }
    pieces.delete(key);
    return { results: [failure(err)], transfer: block.buffer };
  }
}
function forget({ key }) {
  const st = pieces.get(key);
  if (st) { try { fs.closeSync(st.fd); } catch { /* nothing to do */ } pieces.delete(key); }
  return { results: [] };
}

// ---- reading entries out of a zip -------------------------------------------------------------
// A group is a run of consecutive entries of the zip, [start, end) in the file; one big entry is
// a group of its own and is streamed.
async function forEachEntry(msg, visit) {
  const fd = fs.openSync(msg.zip, 'r');
  try {
    const single = msg.entries.length === 1 && msg.entries[0].csize > ${GROUP_BYTES};
    const block = single ? null : scratchOf(msg.end - msg.start);
    if (block && readAt(fd, block, msg.start) !== block.length) throw Object.assign(new Error('the zip is shorter than its directory says'), { code: 'ETRUNC' });
    const out = [];
    for (const e of msg.entries) {
      let dataStart;
      if (block) {
        const at = e.offset - msg.start;
        if (at + 30 > block.length || block.readUInt32LE(at) !== 0x04034b50) { out.push(problem(e.name, 'header')); continue; }
        dataStart = at + 30 + block.readUInt16LE(at + 26) + block.readUInt16LE(at + 28);
        if (dataStart + e.csize > block.length) { out.push(problem(e.name, 'header')); continue; }
        out.push(await visit(e, { whole: block.subarray(dataStart, dataStart + e.csize) }));
      } else {
        const head = Buffer.alloc(30);
        if (readAt(fd, head, e.offset) !== 30 || head.readUInt32LE(0) !== 0x04034b50) { out.push(problem(e.name, 'header')); continue; }
        dataStart = e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
        const chunks = function* () {
          const chunk = scratchOf(CHUNK);
          let done = 0;
          while (done < e.csize) {
            const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, e.csize - done), dataStart + done);
            if (n === 0) throw Object.assign(new Error('the zip is shorter than its directory says'), { code: 'ETRUNC' });
            done += n;
            yield chunk.subarray(0, n);
          }
        };
        out.push(await visit(e, { chunks }));
      }
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

// The raw bytes of an entry, a piece at a time, inflated when the entry is deflated.
async function* contents(e, data) {
  if (data.whole) {
    if (e.method === 0) yield data.whole;
    else if (e.method === 8) {
      const inflated = zlib.inflateRawSync(data.whole);
      madeGarbage(inflated.length);
      yield inflated;
    }
    else throw Object.assign(new Error('compression method ' + e.method), { code: 'EMETHOD' });
    return;
  }
  if (e.method === 0) {
    yield* data.chunks();
    return;
  }
  if (e.method !== 8) throw Object.assign(new Error('compression method ' + e.method), { code: 'EMETHOD' });
  const inflate = zlib.createInflateRaw();
  const pending = [];
  inflate.on('data', (c) => pending.push(c));
  const ended = new Promise((resolve, reject) => { inflate.on('end', resolve); inflate.on('error', reject); });
  ended.catch(() => undefined);
  for (const c of data.chunks()) {
    madeGarbage(2 * c.length);
    if (!inflate.write(Buffer.from(c))) await new Promise((r) => inflate.once('drain', r));
    while (pending.length) yield pending.shift();
  }
  inflate.end();
  await ended;
  while (pending.length) yield pending.shift();
}

async function check(msg) {
  const results = await forEachEntry(msg, async (e, data) => {
    try {
      let crc = 0, size = 0;
      for await (const c of contents(e, data)) { crc = zlib.crc32(c, crc); size += c.length; }
      if (size !== e.size) return problem(e.name, 'size');
      if (crc !== e.crc) return problem(e.name, 'crc32');
      return { ok: true };
    } catch (err) {
      return problem(e.name, 'data', String(err && err.message || err));
    }
  });
  return { results };
}

function openForWrite(full, mode) {
  try {
    return fs.openSync(full, 'w', mode | 0o200);
  } catch (err) {
    if (!err || (err.code !== 'EACCES' && err.code !== 'EPERM')) throw err;
    // A read-only file in the way (Windows refuses to overwrite it): make it writable, remove it.
    fs.chmodSync(full, 0o666);
    fs.rmSync(full, { force: true });
    return fs.openSync(full, 'w', mode | 0o200);
  }
}

async function extract(msg) {
  const results = await forEachEntry(msg, async (e, data) => {
    const full = path.join(msg.root, e.name);
    let fd = null;
    try {
      const sha = createHash('sha256');
      let crc = 0, size = 0;
      fd = openForWrite(full, e.mode);
      for await (const c of contents(e, data)) {
        sha.update(c);
        crc = zlib.crc32(c, crc);
        size += c.length;
        writeAll(fd, c);
      }
      if (size !== e.size) return problem(e.name, 'size');
      if (crc !== e.crc) return problem(e.name, 'crc32');
      // The bytes written are the bytes backed up: what lets the tree hash count on the manifest's SHA-256.
      if (sha.digest('hex') !== e.sha256) return problem(e.name, 'sha256');
      const when = e.mtimeMs / 1000;
      fs.futimesSync(fd, when, when);
      fs.closeSync(fd);
      fd = null;
      fs.chmodSync(full, e.mode);
      return { ok: true };
    } catch (err) {
      return failure(err);
    } finally {
      if (fd !== null) try { fs.closeSync(fd); } catch { /* already reported */ }
    }
  });
  return { results };
}

// ---- listing a folder, making folders ---------------------------------------------------------
// The same listing as tree.ts's listTree (names sorted, a folder before its contents, links
// recorded and not followed), with synchronous calls; its exclusions are tree.ts's own function.
const isExcluded = (${isExcluded.toString()});
function list({ root, exclusions }) {
  const out = [];
  const walk = (relDir) => {
    const abs = relDir ? path.join(root, relDir) : root;
    const names = fs.readdirSync(abs).sort();
    for (const name of names) {
      const rel = relDir ? relDir + '/' + name : name;
      if (isExcluded(rel, exclusions)) continue;
      const full = path.join(root, rel);
      const st = fs.lstatSync(full);
      if (st.isSymbolicLink()) out.push({ type: 'symlink', path: rel, target: fs.readlinkSync(full) });
      else if (st.isDirectory()) {
        out.push({ type: 'dir', path: rel, mode: st.mode & 0o777 });
        walk(rel);
      } else if (st.isFile()) out.push({ type: 'file', path: rel, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777 });
    }
  };
  walk('');
  return { results: out };
}
// Folders made (or kept), and writable for the files to come; their own modes are set at the end.
function dirs({ root, paths }) {
  const results = paths.map((p) => {
    try {
      const full = path.join(root, p);
      fs.mkdirSync(full, { recursive: true });
      const mode = fs.lstatSync(full).mode & 0o777;
      if ((mode & 0o700) !== 0o700) fs.chmodSync(full, mode | 0o700);
      return { ok: true };
    } catch (err) {
      return failure(err);
    }
  });
  return { results };
}

// ---- hashing files already on the disk --------------------------------------------------------
function hash({ files }) {
  const chunk = scratchOf(BLOCK);
  const results = files.map((file) => {
    try {
      const sha = createHash('sha256');
      let crc = 0, size = 0, n;
      const fd = fs.openSync(file, 'r');
      try {
        while ((n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) {
          const part = chunk.subarray(0, n);
          sha.update(part);
          crc = zlib.crc32(part, crc);
          size += n;
        }
      } finally {
        fs.closeSync(fd);
      }
      return { sha256: sha.digest('hex'), crc32: crc, size };
    } catch (err) {
      return failure(err);
    }
  });
  return { results };
}

// ---- collecting garbage ------------------------------------------------------------------------
// What a worker allocates is mostly buffers (deflated and inflated data) that die at once. V8
// frees a buffer's memory only when it collects the small object that holds it, and a worker
// makes few objects: with nothing else to set a collection off, each worker held some 30 MB of
// dead buffers (measured: 155 MB for two workers preparing the benchmark's folder, 112 MB with
// this). So a worker asks for a minor collection after every GARBAGE_EVERY bytes of buffers it
// made; a collection of a heap this small takes well under a millisecond.
let collect = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
} catch {
  collect = null;
}
let made = 0;
function madeGarbage(bytes) {
  made += bytes;
  if (collect && made >= ${GARBAGE_EVERY}) {
    made = 0;
    collect({ type: 'minor' });
  }
}

const OPS = { prepare, piece, forget, check, extract, hash, list, dirs };
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  if (m.recycle) { giveBack(m.recycle); return; }
  if (m.simulate) { simulate = m.simulate; return; }
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await OPS[m.op](m);
    } catch (err) {
      reply = { results: null, failed: failure(err).error };
    }
    const transfer = reply.transfer;
    delete reply.transfer;
    if (transfer) parentPort.postMessage({ id: m.id, ...reply, block: transfer }, [transfer]);
    else parentPort.postMessage({ id: m.id, ...reply });
    // A listing is the one large heap a worker builds, and it lives long enough to reach the old
    // generation, which minor collections leave alone: once it is sent, collect it all.
    if (m.op === 'list' && collect) collect();
  });
});
`;

export interface WorkerError {
  error: { code: string; message: string; problem?: string; entry?: string; path?: string };
}

/** What a worker reported, as an Error with its code (and path), as Node's own errors have them. */
export function workerError(failed: WorkerError['error']): Error {
  return Object.assign(new Error(failed.message), {
    code: failed.code,
    ...(failed.path ? { path: failed.path } : {}),
  });
}

export interface PrepareRequest {
  /** Absolute path. */
  path: string;
  /** The size listed: the file must still fit in it. */
  size: number;
  /** Lower-case extension with its dot, or ''. */
  ext: string;
}

/** A piece of a file too big for one block: its data (deflated or not), and at the end the file's digest. */
export type Piece =
  | {
      method: 0 | 8;
      data: Buffer;
      eof: boolean;
      digest?: { crc32: number; sha256: string; size: number };
      release: () => void;
    }
  | WorkerError;

export type PrepareResult =
  | {
      crc32: number;
      sha256: string;
      size: number;
      method: 0 | 8;
      data: Buffer;
      /** Call once `data` is in the zip: when the whole batch is, its block goes back to the worker. */
      release: () => void;
    }
  | WorkerError;

/** An entry of the zip, as the central directory places it. */
export interface ZipRangeEntry {
  /** For a restore: the relative path to write. */
  name: string;
  /** Offset of its local header. */
  offset: number;
  csize: number;
  size: number;
  crc: number;
  method: number;
  sha256?: string;
  mode?: number;
  mtimeMs?: number;
}

export interface ZipRange {
  start: number;
  end: number;
  entries: ZipRangeEntry[];
}

export type CheckResult = { ok: true; bytes?: number; sha256?: string; crc32?: number } | WorkerError;
export type HashResult = { sha256: string; crc32: number; size: number } | WorkerError;

interface Reply {
  id: number;
  results: unknown[] | null;
  failed?: WorkerError['error'];
  block?: ArrayBuffer;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A worker's young generation, kept small: what a worker allocates is mostly buffers (inflated
 * entries, deflated files) that die at once, and V8 frees their memory only when it collects;
 * with the default young generation each worker held some 30 to 60 MB of them (measured at
 * scale 10 of the benchmark). Collections of so small a heap cost next to nothing.
 */
const YOUNG_GENERATION_MB = 2;

/** How many workers: one per core, at least two (so that reading goes on while one deflates), at most four. */
function defaultWorkerCount(): number {
  return Math.max(2, Math.min(4, availableParallelism()));
}

export class ZipWorkers {
  private readonly slots: Slot[];
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { slot: Slot; resolve: (r: Reply) => void; reject: (e: Error) => void }
  >();
  private failure: Error | null = null;
  private closed = false;

  /**
   * For tests: opening a source file whose path ends with a key fails with that error code, as
   * Windows fails it for a file that IIS holds (EBUSY) and root on Linux never sees.
   */
  static simulatedOpenErrors: Record<string, string> = {};

  constructor(count = defaultWorkerCount()) {
    this.slots = Array.from({ length: count }, () => {
      const slot: Slot = {
        worker: new Worker(SOURCE, {
          eval: true,
          resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        }),
        busy: 0,
      };
      if (Object.keys(ZipWorkers.simulatedOpenErrors).length > 0)
        slot.worker.postMessage({ simulate: ZipWorkers.simulatedOpenErrors });
      slot.worker.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        slot.busy--;
        p?.resolve(m);
      });
      slot.worker.on('error', (err) => {
        this.failure = err;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  private ask(message: object, pinned?: Slot): Promise<{ reply: Reply; slot: Slot }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the workers are closed'));
    const slot = pinned ?? this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ ...message, id });
    }).then((reply) => {
      if (!reply.results) throw workerError(reply.failed ?? { code: 'EUNKNOWN', message: 'worker failed' });
      return { reply, slot };
    });
  }

  /**
   * Reads, hashes and (when worth it) deflates a batch of files; results in the batch's order,
   * and the size of the block that holds them, which goes back to the worker (and `onFree` is
   * told) once every result is released.
   */
  async prepare(
    files: readonly PrepareRequest[],
    level: number,
    onFree?: (bytes: number) => void,
  ): Promise<{ results: PrepareResult[]; bytes: number }> {
    const { reply, slot } = await this.ask({ op: 'prepare', level, files });
    const raw = reply.results as (
      | { crc32: number; sha256: string; size: number; method: 0 | 8; offset: number; length: number }
      | WorkerError
    )[];
    const ab = reply.block;
    const block = ab ? Buffer.from(ab) : Buffer.alloc(0);
    const release = this.releaser(slot, ab, raw.filter((r) => !('error' in r)).length, onFree);
    const bytes = ab?.byteLength ?? 0;
    const results = raw.map((r) =>
      'error' in r
        ? r
        : {
            crc32: r.crc32,
            sha256: r.sha256,
            size: r.size,
            method: r.method,
            data: block.subarray(r.offset, r.offset + r.length),
            release,
          },
    );
    return { results, bytes };
  }

  /** A block's release: back to its worker once every result in it is released; `onFree` is told. */
  private releaser(
    slot: Slot,
    ab: ArrayBuffer | undefined,
    count: number,
    onFree?: (bytes: number) => void,
  ): () => void {
    let out = Math.max(1, count);
    const bytes = ab?.byteLength ?? 0;
    const release = () => {
      if (--out !== 0) return;
      if (ab && !this.closed) slot.worker.postMessage({ recycle: ab }, [ab]);
      onFree?.(bytes);
    };
    if (count === 0) release();
    return release;
  }

  private readonly pins = new Map<string, Slot>();

  /**
   * The next piece of a file too big for one block (`key` names the file; all its pieces are read
   * in order by the same worker). The block comes with its release, as for `prepare`.
   */
  async piece(
    key: string,
    file: string,
    ext: string,
    level: number,
    onFree?: (bytes: number) => void,
  ): Promise<{ piece: Piece; bytes: number }> {
    const pinned = this.pins.get(key);
    const { reply, slot } = await this.ask({ op: 'piece', key, path: file, ext, level }, pinned);
    if (!pinned) this.pins.set(key, slot);
    const r = (
      reply.results as (
        | {
            method: 0 | 8;
            offset: number;
            length: number;
            eof: boolean;
            crc32?: number;
            sha256?: string;
            size?: number;
          }
        | WorkerError
      )[]
    )[0];
    const ab = reply.block;
    const release = this.releaser(slot, ab, r && !('error' in r) ? 1 : 0, onFree);
    if (!r || 'error' in r || r.eof) this.pins.delete(key);
    if (!r)
      return { piece: { error: { code: 'EUNKNOWN', message: 'no piece' } }, bytes: ab?.byteLength ?? 0 };
    if ('error' in r) return { piece: r, bytes: ab?.byteLength ?? 0 };
    const data = ab ? Buffer.from(ab, r.offset, r.length) : Buffer.alloc(0);
    const digest = r.eof ? { crc32: r.crc32 ?? 0, sha256: r.sha256 ?? '', size: r.size ?? 0 } : undefined;
    return {
      piece: { method: r.method, data, eof: r.eof, ...(digest ? { digest } : {}), release },
      bytes: ab?.byteLength ?? 0,
    };
  }

  /** Drops a file whose pieces will not be asked for any more (the backup stopped). */
  async forget(key: string): Promise<void> {
    const pinned = this.pins.get(key);
    this.pins.delete(key);
    if (pinned) await this.ask({ op: 'forget', key }, pinned).catch(() => undefined);
  }

  /** Checks the CRC-32 and size of each entry of a range of the zip. */
  async check(zip: string, range: ZipRange): Promise<CheckResult[]> {
    const { reply } = await this.ask({ op: 'check', zip, ...range });
    return reply.results as CheckResult[];
  }

  /** Unpacks a range of the zip under `root`: content checked (size, CRC-32, SHA-256), mode and mtime set. */
  async extract(zip: string, root: string, range: ZipRange): Promise<CheckResult[]> {
    const { reply } = await this.ask({ op: 'extract', zip, root, ...range });
    return reply.results as CheckResult[];
  }

  /** The same listing as listTree, made with synchronous calls on a worker. */
  async list(root: string, exclusions: readonly string[]): Promise<TreeEntry[]> {
    const { reply } = await this.ask({ op: 'list', root, exclusions });
    return reply.results as TreeEntry[];
  }

  /** Makes folders under `root` (parents first, as given) and leaves them writable for now. */
  async dirs(root: string, paths: readonly string[]): Promise<CheckResult[]> {
    const { reply } = await this.ask({ op: 'dirs', root, paths });
    return reply.results as CheckResult[];
  }

  /** SHA-256, CRC-32 and size of files on the disk. */
  async hash(files: readonly string[]): Promise<HashResult[]> {
    const { reply } = await this.ask({ op: 'hash', files });
    return reply.results as HashResult[];
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
