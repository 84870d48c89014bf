import type { FileDigest } from './hash';
import type { TreeEntry } from './tree';

/**
 * What ZipWorkers (zip-workers.ts, on the main thread) and a zip thread (zip-thread.ts) say to
 * each other. Both sides are typed by these unions; a reply names the request it answers by `op`,
 * so the main thread narrows it without a cast. Kept free of runtime imports: the thread's bundle
 * takes only what it uses.
 */

/**
 * The one size of the blocks that carry prepared files from a thread to the zip writer: a batch
 * of small files, or one file of up to BLOCK bytes (a bigger one is streamed).
 */
export const BLOCK = 4 << 20;

/** A group of consecutive entries spans at most this many bytes of the zip (one bigger entry is a group of its own, streamed). */
export const GROUP_BYTES = 4 << 20;

/** What went wrong, as Node's errors say it (code, path), or for a bad entry of the zip its name and problem. */
export interface ThreadError {
  code: string;
  message: string;
  problem?: string;
  entry?: string;
  path?: string;
}

export interface WorkerError {
  error: ThreadError;
}

export interface PrepareRequest {
  /** Absolute path. */
  path: string;
  /** The size listed: the file must still fit in it. */
  size: number;
  /** Lower-case extension with its dot, or ''. */
  ext: string;
}

/** A file prepared for the zip: its digest, and where its bytes (deflated or not) are in the reply's block. */
export interface PreparedFile extends FileDigest {
  method: 0 | 8;
  offset: number;
  length: number;
}

/** A piece of a file too big for one block, at the start of the reply's block; the last one brings the file's digest. */
export type PreparedPiece =
  | { method: 0 | 8; length: number; eof: false }
  | { method: 0 | 8; length: number; eof: true; digest: FileDigest };

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
  /** For a restore: what the bytes written must hash to, and the file's mode and mtime. */
  sha256?: string;
  mode?: number;
  mtimeMs?: number;
}

/** Consecutive entries of the zip, [start, end) in the file: read in one go (one big entry is streamed). */
export interface ZipRange {
  start: number;
  end: number;
  entries: ZipRangeEntry[];
}

export type CheckResult = { ok: true } | WorkerError;
export type HashResult = FileDigest | WorkerError;

export type ZipRequest =
  | { op: 'prepare'; level: number; files: readonly PrepareRequest[] }
  /** Every piece of one file (`key`) goes to the same thread, in order: its digest runs on there. */
  | { op: 'piece'; key: string; path: string; ext: string; level: number }
  | { op: 'forget'; key: string }
  | ({ op: 'check'; zip: string } & ZipRange)
  | ({ op: 'extract'; zip: string; root: string } & ZipRange)
  | { op: 'list'; root: string; exclusions: readonly string[] }
  | { op: 'dirs'; root: string; paths: readonly string[] }
  | { op: 'hash'; files: readonly string[] };

export type ZipReply =
  /** `results` in the batch's order; `block` comes back (recycle) once every file in it is in the zip. */
  | { op: 'prepare'; results: (PreparedFile | WorkerError)[]; block: ArrayBuffer }
  | { op: 'piece'; result: PreparedPiece | WorkerError; block: ArrayBuffer }
  | { op: 'forget' }
  | { op: 'check'; results: CheckResult[] }
  | { op: 'extract'; results: CheckResult[] }
  | { op: 'list'; results: TreeEntry[] }
  | { op: 'dirs'; results: CheckResult[] }
  | { op: 'hash'; results: HashResult[] }
  /** The request as a whole failed (a batch too big for a block, a zip that cannot be opened). */
  | { op: 'failed'; error: ThreadError };

export type RequestOf<K extends ZipRequest['op']> = Extract<ZipRequest, { op: K }>;
export type ReplyOf<K extends ZipReply['op']> = Extract<ZipReply, { op: K }>;

/** From the main thread: a request to answer, or a block given back for the thread to use again. */
export type ZipMessage =
  { kind: 'request'; id: number; request: ZipRequest } | { kind: 'recycle'; block: ArrayBuffer };

/** From a thread: the reply to request `id`. */
export interface ZipAnswer {
  id: number;
  reply: ZipReply;
}
