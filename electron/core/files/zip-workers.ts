import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TreeEntry } from './tree';
import { startThread, threadEntry } from './threads';
import type {
  CheckResult,
  HashResult,
  PrepareRequest,
  ReplyOf,
  RequestOf,
  ThreadError,
  WorkerError,
  ZipAnswer,
  ZipMessage,
  ZipRange,
  ZipReply,
  ZipRequest,
} from './zip-thread-messages';

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
 * This is the main thread's side; a thread runs zip-thread.ts, and zip-thread-messages.ts is
 * what they say to each other.
 */

/** What a worker reported, as an Error with its code (and path), as Node's own errors have them. */
export function workerError(failed: ThreadError): Error {
  return Object.assign(new Error(failed.message), {
    code: failed.code,
    ...(failed.path ? { path: failed.path } : {}),
  });
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

/** The file a zip thread runs, and what it is given as workerData. */
export interface ZipThreadEntry {
  url: URL;
  data?: unknown;
}

export interface ZipWorkersOptions {
  /** How many threads; one per core by default, from two to four. */
  count?: number;
  /** zip-thread by default; a test names an entry of its own (one that fails some opens, as Windows does). */
  thread?: ZipThreadEntry;
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

/** The reply is the one its request asked for. */
function answers<K extends ZipRequest['op']>(reply: ZipReply, op: K): reply is ReplyOf<K> {
  return reply.op === op;
}

export class ZipWorkers {
  private readonly slots: Slot[];
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: ZipReply) => void; reject: (e: Error) => void }
  >();
  private failure: Error | null = null;
  private closed = false;

  constructor({ count = defaultWorkerCount(), thread }: ZipWorkersOptions = {}) {
    const entry = thread ?? { url: threadEntry('zip-thread') };
    this.slots = Array.from({ length: count }, () => {
      const worker = startThread(entry.url, {
        workerData: entry.data,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', ({ id, reply }: ZipAnswer) => {
        const p = this.pending.get(id);
        this.pending.delete(id);
        slot.busy--;
        p?.resolve(reply);
      });
      worker.on('error', (err) => {
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

  private post(slot: Slot, message: ZipMessage, transfer: ArrayBuffer[] = []): void {
    slot.worker.postMessage(message, transfer);
  }

  /** Sends a request to the least busy worker (or to `pinned`); a request that failed as a whole throws. */
  private async ask<K extends ZipRequest['op']>(
    request: RequestOf<K> & { op: K },
    pinned?: Slot,
  ): Promise<{ reply: ReplyOf<K>; slot: Slot }> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the workers are closed');
    const slot = pinned ?? this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    const reply = await new Promise<ZipReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(slot, { kind: 'request', id, request });
    });
    if (reply.op === 'failed') throw workerError(reply.error);
    const { op } = reply;
    if (!answers(reply, request.op)) throw new Error(`a zip thread answered ${request.op} with ${op}`);
    return { reply, slot };
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
    const block = Buffer.from(reply.block);
    const prepared = reply.results.filter((r) => !('error' in r)).length;
    const release = this.releaser(slot, reply.block, prepared, onFree);
    const results = reply.results.map((r): PrepareResult => {
      if ('error' in r) return r;
      const { crc32, sha256, size, method, offset, length } = r;
      return { crc32, sha256, size, method, data: block.subarray(offset, offset + length), release };
    });
    return { results, bytes: reply.block.byteLength };
  }

  /** A block's release: back to its worker once every result in it is released; `onFree` is told. */
  private releaser(
    slot: Slot,
    block: ArrayBuffer,
    count: number,
    onFree?: (bytes: number) => void,
  ): () => void {
    let out = Math.max(1, count);
    const bytes = block.byteLength;
    const release = () => {
      if (--out !== 0) return;
      if (!this.closed) this.post(slot, { kind: 'recycle', block }, [block]);
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
    const { result, block } = reply;
    const bytes = block.byteLength;
    const release = this.releaser(slot, block, 'error' in result ? 0 : 1, onFree);
    if ('error' in result || result.eof) this.pins.delete(key);
    if ('error' in result) return { piece: result, bytes };
    const data = Buffer.from(block, 0, result.length);
    const digest = result.eof ? { digest: result.digest } : {};
    return { piece: { method: result.method, data, eof: result.eof, ...digest, release }, bytes };
  }

  /** Drops a file whose pieces will not be asked for any more (the backup stopped). */
  async forget(key: string): Promise<void> {
    const pinned = this.pins.get(key);
    this.pins.delete(key);
    if (pinned) await this.ask({ op: 'forget', key }, pinned).catch(() => undefined);
  }

  /** Checks the CRC-32 and size of each entry of a range of the zip. */
  async check(zip: string, range: ZipRange): Promise<CheckResult[]> {
    return (await this.ask({ op: 'check', zip, ...range })).reply.results;
  }

  /** Unpacks a range of the zip under `root`: content checked (size, CRC-32, SHA-256), mode and mtime set. */
  async extract(zip: string, root: string, range: ZipRange): Promise<CheckResult[]> {
    return (await this.ask({ op: 'extract', zip, root, ...range })).reply.results;
  }

  /** The same listing as listTree, made with synchronous calls on a worker. */
  async list(root: string, exclusions: readonly string[]): Promise<TreeEntry[]> {
    return (await this.ask({ op: 'list', root, exclusions })).reply.results;
  }

  /** Makes folders under `root` (parents first, as given) and leaves them writable for now. */
  async dirs(root: string, paths: readonly string[]): Promise<CheckResult[]> {
    return (await this.ask({ op: 'dirs', root, paths })).reply.results;
  }

  /** SHA-256, CRC-32 and size of files on the disk. */
  async hash(files: readonly string[]): Promise<HashResult[]> {
    return (await this.ask({ op: 'hash', files })).reply.results;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
