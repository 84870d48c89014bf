import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { inOrder } from './ahead';
import { isWithin } from './paths';
import { type BackupSummary, type FileProgress, ManifestWriter, manifestPathFor } from './manifest';
import { type FileEntry, type TreeEntry, treeLine } from './tree';
import { BLOCK } from './zip-thread-messages';
import { ZipWorkers, type ZipWorkersOptions, workerError } from './zip-workers';
import { ZipWriter } from './zip-writer';

/**
 * The deflate level, chosen by measurement (npm run bench:backup -- --levels 1,2,3,6): on the
 * synthetic CRM folder, most of the bytes are stored, and on the rest level 1 costs a few per
 * cent of zip size against level 6 for a third of the CPU time.
 */
export const DEFAULT_LEVEL = 1;

const UNREADABLE = new Set(['EBUSY', 'EPERM', 'EACCES']);
const CHANGED = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'ECHANGED']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Files that fit in a block are read whole, ahead of the writer; bigger ones are streamed at their turn. */
const WHOLE_FILE_LIMIT = BLOCK - 1;
/**
 * The memory bound: blocks being prepared by the workers (read ahead), and blocks prepared and
 * handed to the writer but not yet in the file. All blocks are BLOCK bytes.
 */
const AHEAD_BATCHES = 12;
const AHEAD_BYTES = 12 << 20;
const BACKLOG_BYTES = 12 << 20;
/** A batch: at most this many files, and as many bytes as fit in a block. */
const BATCH_FILES = 48;
/** Bytes handed to the writer that may wait for the disk. */
const WRITE_BACKLOG = 8 << 20;

export interface ZipFolderOptions {
  exclusions?: readonly string[];
  onProgress?: (p: FileProgress) => void;
  /** Deflate level, 1 (fast) to 9 (small); DEFAULT_LEVEL unless a benchmark asks otherwise. */
  level?: number;
  /** The worker threads: how many, and which entry they run (a test's fails some opens as Windows does). */
  workers?: ZipWorkersOptions;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

/** A count that can be waited on: the bytes of prepared blocks taken by the writer and not yet in the file. */
class Gauge {
  private value = 0;
  private waiters: { limit: number; resolve: () => void }[] = [];

  add(n: number): void {
    this.value += n;
    this.waiters = this.waiters.filter((w) => {
      if (this.value > w.limit) return true;
      w.resolve();
      return false;
    });
  }

  below(limit: number): Promise<void> {
    if (this.value <= limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }
}

/** Consecutive entries of the listing, prepared together. */
interface Batch {
  entries: TreeEntry[];
  files: FileEntry[];
  bytes: number;
}

/** The listing cut into batches; each entry is let go of as its batch is taken, so the listing does not outlive its use. */
function* batches(tree: (TreeEntry | undefined)[]): Generator<Batch> {
  let current: Batch = { entries: [], files: [], bytes: 0 };
  for (let i = 0; i < tree.length; i++) {
    const e = tree[i];
    tree[i] = undefined;
    if (!e) continue;
    // A file's slot: its size, and one byte more to notice a file that grew since the listing.
    const slot = e.type === 'file' && e.size <= WHOLE_FILE_LIMIT ? e.size + 1 : 0;
    if (
      current.files.length >= BATCH_FILES ||
      current.bytes + slot > BLOCK ||
      (e.type === 'file' && e.size > WHOLE_FILE_LIMIT && current.files.length > 0)
    ) {
      yield current;
      current = { entries: [], files: [], bytes: 0 };
    }
    current.entries.push(e);
    if (e.type === 'file') {
      current.files.push(e);
      current.bytes += slot;
    }
  }
  if (current.entries.length > 0) yield current;
}

function asUpgradeError(err: unknown, rel: string): unknown {
  if (err instanceof UpgradeError) return err;
  const code = errorCode(err);
  if (code && UNREADABLE.has(code))
    return new UpgradeError(msg('backup.files.unreadable', { path: rel, code }), String(err));
  if (code && CHANGED.has(code))
    return new UpgradeError(msg('backup.files.changed', { path: rel }), String(err));
  return err;
}

/**
 * A file too big for one block, at its turn: its pieces are read (and deflated) by one worker, a
 * block at a time, one piece ahead of the writer.
 */
async function streamBig(
  writer: ZipWriter,
  workers: ZipWorkers,
  held: Gauge,
  full: string,
  e: FileEntry,
  date: Date,
  level: number,
) {
  const key = `${full}\0${e.mtimeMs}`;
  const ext = path.extname(e.path).toLowerCase();
  const next = async () => {
    const { piece, bytes } = await workers
      .piece(key, full, ext, level, (n) => held.add(-n))
      .catch((err: unknown) => {
        throw asUpgradeError(err, e.path);
      });
    held.add(bytes);
    if ('error' in piece) throw asUpgradeError(workerError(piece.error), e.path);
    return piece;
  };
  let ahead = next();
  const first = await ahead;
  let last: typeof first | null = null;
  const digest = () => {
    const d = (last as typeof first | null)?.digest;
    if (!d) throw new Error(`${e.path}: no digest after the last piece`);
    return d;
  };
  const pieces = async function* () {
    let current = first;
    for (;;) {
      ahead = current.eof ? Promise.resolve(current) : next();
      ahead.catch(() => undefined);
      yield { data: current.data, release: current.release };
      if (current.eof) {
        last = current;
        return;
      }
      await Promise.race([held.below(BACKLOG_BYTES), writer.failed]);
      current = await ahead;
    }
  };
  try {
    await writer.streamFile(e.path, e.mode, date, {
      method: first.method,
      size: e.size,
      pieces: pieces(),
      digest,
    });
  } catch (err) {
    await workers.forget(key);
    throw asUpgradeError(err, e.path);
  }
  return { ...digest(), stored: first.method === 0 };
}

/**
 * Zips `source` into `zipPath` and writes the manifest beside it. Files are read, hashed and
 * deflated ahead of the writer, a few at a time, within a memory budget; the zip follows the
 * listing's order. A file that can't be read stops the backup by name; a full disk removes
 * the partial zip.
 */
export async function zipFolder(
  source: string,
  zipPath: string,
  options: ZipFolderOptions = {},
): Promise<BackupSummary> {
  const started = Date.now();
  const exclusions = [...(options.exclusions ?? [])];
  const level = options.level ?? DEFAULT_LEVEL;
  const resolvedZip = path.resolve(zipPath);
  if (isWithin(resolvedZip, source)) {
    throw new UpgradeError(msg('backup.files.inside-source', { zip: zipPath }));
  }
  const workers = new ZipWorkers(options.workers);
  let tree: (TreeEntry | undefined)[];
  try {
    tree = await workers.list(source, exclusions);
  } catch (err) {
    await workers.close();
    // A folder inside that cannot be listed is refused by name, as a file that cannot be read.
    const at = (err as { path?: unknown }).path;
    const where = typeof at === 'string' ? path.relative(source, at).replace(/\\/g, '/') : '';
    const named = where && !where.startsWith('..') ? asUpgradeError(err, where) : null;
    throw named instanceof UpgradeError ? named : new UpgradeError(msg('backup.files.failed'), String(err));
  }
  const bytesTotal = tree.reduce((s, e) => s + (e?.type === 'file' ? e.size : 0), 0);
  const progress: FileProgress = { itemsDone: 0, itemsTotal: tree.length, bytesDone: 0, bytesTotal };

  let writer: ZipWriter;
  try {
    writer = await ZipWriter.create(resolvedZip);
  } catch (err) {
    await workers.close();
    // Not ours to remove: the zip was not created (it exists already, or the folder refuses it).
    const code = errorCode(err);
    if (code && DISK_FULL.has(code))
      throw new UpgradeError(msg('backup.files.disk-full', { path: path.dirname(resolvedZip) }), String(err));
    throw new UpgradeError(msg('backup.files.failed'), String(err));
  }
  const manifestPath = manifestPathFor(resolvedZip);
  let manifestOut: ManifestWriter;
  try {
    manifestOut = await ManifestWriter.create(manifestPath, {
      source: path.resolve(source),
      createdAt: new Date(started).toISOString(),
      exclusions,
    });
  } catch (err) {
    await workers.close();
    await writer.abort();
    await rm(resolvedZip, { force: true });
    throw failure(err, resolvedZip);
  }

  // The tree hash, folded in as the entries go by (the same lines, in the same order, as treeHash).
  const folded = createHash('sha256');
  const held = new Gauge();
  try {
    const prepared = inOrder(
      batches(tree),
      { maxItems: AHEAD_BATCHES, maxBytes: AHEAD_BYTES, cost: () => BLOCK },
      async (b) => {
        const requests = b.files
          .filter((f) => f.size <= WHOLE_FILE_LIMIT)
          .map((f) => ({
            path: path.join(source, f.path),
            size: f.size,
            ext: path.extname(f.path).toLowerCase(),
          }));
        const done =
          requests.length > 0
            ? await workers.prepare(requests, level, (bytes) => held.add(-bytes))
            : { results: [], bytes: 0 };
        return { batch: b, ...done };
      },
    );
    for await (const { batch, results, bytes } of prepared) {
      held.add(bytes);
      let fileIndex = 0;
      for (const e of batch.entries) {
        if (e.type === 'dir') {
          writer.directory(e.path, e.mode, new Date(started));
          manifestOut.add(e);
          folded.update(treeLine(e));
        } else if (e.type === 'symlink') {
          writer.symlink(e.path, e.target);
          manifestOut.add(e);
          folded.update(treeLine(e));
        } else {
          const date = new Date(e.mtimeMs);
          let digest: { crc32: number; sha256: string; size: number; stored: boolean };
          if (e.size <= WHOLE_FILE_LIMIT) {
            const r = results[fileIndex++];
            if (!r) throw new Error(`no result for ${e.path}`);
            if ('error' in r) throw asUpgradeError(workerError(r.error), e.path);
            writer.file(
              e.path,
              e.mode,
              date,
              { method: r.method, crc32: r.crc32, size: r.size, data: r.data },
              r.release,
            );
            digest = { crc32: r.crc32, sha256: r.sha256, size: r.size, stored: r.method === 0 };
          } else {
            digest = await streamBig(writer, workers, held, path.join(source, e.path), e, date, level);
          }
          manifestOut.add({ ...e, ...digest });
          folded.update(treeLine(e, digest));
          progress.bytesDone += digest.size;
        }
        progress.itemsDone++;
        options.onProgress?.({ ...progress });
      }
      await manifestOut.flushSome();
      await writer.room(WRITE_BACKLOG);
      // Blocks come back as the writer gets them into the file; a writer that failed never will.
      await Promise.race([held.below(BACKLOG_BYTES), writer.failed]);
    }
    const zip = await writer.finish();
    return await manifestOut.finish({
      treeHash: folded.digest('hex'),
      zip: { file: path.basename(resolvedZip), bytes: zip.bytes, sha256: zip.sha256 },
      durationMs: Date.now() - started,
    });
  } catch (err) {
    await writer.abort();
    await manifestOut.abandon();
    await rm(resolvedZip, { force: true });
    await rm(manifestPath, { force: true });
    throw failure(err, resolvedZip);
  } finally {
    await workers.close();
  }
}

function failure(err: unknown, zipPath: string): UpgradeError {
  if (err instanceof UpgradeError) return err;
  const code = errorCode(err);
  if (code && DISK_FULL.has(code))
    return new UpgradeError(msg('backup.files.disk-full', { path: path.dirname(zipPath) }), String(err));
  return new UpgradeError(msg('backup.files.failed'), String(err));
}
