import { chmod, mkdir, readdir, readlink, rm, rmdir, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { inOrder } from './ahead';
import { unsafeEntry } from './link-targets';
import type { FileProgress, ManifestEntry } from './manifest';
import type { FileDigest } from './hash';
import { isWithin, samePath } from './paths';
import { type FileEntry, type TreeEntry, hashTree } from './tree';
import { type CheckedZip, RANGES_PER_WORKER, dataRanges, openBackup } from './zip-verify';
import type { HashResult, ZipRange } from './zip-thread-messages';
import { ZipWorkers } from './zip-workers';

type ManifestFile = Extract<ManifestEntry, { type: 'file' }>;

/** Files hashed per worker request, and bytes. */
const HASH_BATCH_FILES = 64;
const HASH_BATCH_BYTES = 16 << 20;

function hashBatches(files: readonly FileEntry[]): FileEntry[][] {
  const out: FileEntry[][] = [];
  let current: FileEntry[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length >= HASH_BATCH_FILES || (current.length > 0 && bytes + f.size > HASH_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** SHA-256 of files under `root`, read by the workers a batch at a time. */
async function hashFiles(
  workers: ZipWorkers,
  root: string,
  files: readonly FileEntry[],
): Promise<Map<string, HashResult>> {
  const out = new Map<string, HashResult>();
  const batches = hashBatches(files);
  for await (const { batch, results } of inOrder(batches, { maxItems: workers.size * 2 }, async (batch) => ({
    batch,
    results: await workers.hash(batch.map((f) => path.join(root, f.path))),
  }))) {
    batch.forEach((f, i) => {
      const r = results[i];
      if (r) out.set(f.path, r);
    });
  }
  return out;
}

const restoreFailed = (target: string, entry: string, detail: string) =>
  new UpgradeError(msg('backup.files.restore-failed', { path: target, entry }), detail);

/**
 * Puts `target` back exactly as the backup recorded it, streaming the zip (the workers read it a
 * range at a time and write the files as they go, so memory stays flat whatever its size):
 * - nothing in the folder is changed before the zip's SHA-256 and its directory match the manifest
 *   (only the folder itself is made, when it does not exist, to list it), nor when a link of the
 *   manifest would point out of the folder or an entry lies beneath a link (link-targets.ts);
 * - files and folders the backup does not know are removed (the setup added them);
 * - files whose content, mode and mtime are already right are left as they are (their SHA-256
 *   is read to know it); the others are rewritten, each one checked (size, CRC-32 and SHA-256)
 *   as it is written, with its mode and mtime;
 * - excluded folders are not touched.
 * Then it proves it: the tree hash of the folder must equal the one recorded before the backup.
 * Names, types, sizes, modes and mtimes come from a new listing of the disk; each file's SHA-256
 * from the disk for the files found right, and from the very bytes written for the others (each
 * one hashed as it was written, and found equal to the manifest's). Returns that hash. (The engine's rollback
 * then hashes the whole folder once more, from the disk.)
 */
export interface RestoreOptions {
  /**
   * The admin named a folder other than the one the backup was taken from: allowed only into a
   * folder that is empty or does not exist, so that nothing outside the backup's own tree goes.
   */
  toOtherFolder?: boolean;
  /** The benchmark only (a restore over a folder a simulated setup changed): another folder, as it is. The CLI never sets it. */
  overOtherFolder?: boolean;
  /**
   * The zip's SHA-256 as proved already (the rollback's private copy, hashed as it was written
   * and held to the journal): held to the manifest's without reading the whole zip again. The
   * CLI never sets it: its zip is hashed.
   */
  provedZipSha256?: string;
}

/**
 * The restore deletes whatever the backup does not know in its target: so the target is the
 * folder the backup was taken from (its manifest says which), or, named as another folder by the
 * admin, an empty or new one. Never a folder that holds the source (its parent, …/wwwroot).
 */
async function refuseForeignTarget(target: string, source: string, options: RestoreOptions): Promise<void> {
  if (samePath(target, source) || options.overOtherFolder) return;
  if (!options.toOtherFolder)
    throw new UpgradeError(msg('backup.files.restore-other-folder', { path: target, source }));
  if (isWithin(source, target) || (await readdir(target).catch(() => [] as string[])).length > 0)
    throw new UpgradeError(msg('backup.files.restore-not-empty', { path: target, source }));
}

export async function restoreZip(
  zipPath: string,
  target: string,
  onProgress?: (p: FileProgress) => void,
  options: RestoreOptions = {},
): Promise<string> {
  const backup = await openBackup(zipPath, options.provedZipSha256);
  const { manifest, fail } = backup;
  const exclusions = manifest.exclusions;
  const workers = new ZipWorkers();
  try {
    // A link out of the folder, or an entry beneath a link: refused before anything is touched.
    const unsafe = unsafeEntry(manifest.entries, target);
    if (unsafe) throw unsafe;
    await refuseForeignTarget(target, manifest.source, options);
    // Read-only work while the zip is hashed: its directory against the manifest, and the folder as it is now.
    let checked: CheckedZip | null = await backup.checkDirectory();
    await mkdir(target, { recursive: true });
    let current: TreeEntry[] | null = await workers.list(target, exclusions);
    const problem = await backup.shaProblem();
    if (problem) throw problem;

    const wanted = new Map(manifest.entries.map((e) => [e.path, e]));
    const fileBytes = manifest.entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    const progress: FileProgress = {
      itemsDone: 0,
      itemsTotal: manifest.entries.length,
      bytesDone: 0,
      bytesTotal: fileBytes,
    };
    const report = () => onProgress?.({ ...progress });

    // 1. What the backup does not know, or knows as another type, goes (deepest first).
    const present = new Map<string, TreeEntry>();
    for (const e of [...current].reverse()) {
      const w = wanted.get(e.path);
      if (w && w.type === e.type) {
        present.set(e.path, e);
        continue;
      }
      const full = path.join(target, e.path);
      try {
        if (e.type === 'dir') {
          await rm(full, { recursive: true, force: true }).catch(() => rmdir(full));
        } else {
          await chmod(full, 0o666).catch(() => undefined);
          await rm(full, { force: true });
        }
      } catch (err) {
        throw restoreFailed(target, e.path, String(err));
      }
    }
    // What each step no longer needs is let go of: at 90,000 entries each of these lists is megabytes.
    current = null;

    // 2. Files that may be right already (same size): their content decides.
    const candidates = manifest.entries.filter((e): e is ManifestFile => {
      const have = present.get(e.path);
      return e.type === 'file' && have?.type === 'file' && have.size === e.size;
    });
    // The files found right, by path, with their digest as read.
    const known = new Map<string, FileDigest>();
    for (const [p, r] of await hashFiles(workers, target, candidates)) {
      const want = wanted.get(p) as ManifestFile;
      if (!('error' in r) && r.sha256 === want.sha256 && r.size === want.size) {
        known.set(p, r);
      }
    }

    // 3. Folders, writable while they are filled (their own modes come last).
    const dirPaths = manifest.entries.filter((e) => e.type === 'dir').map((e) => e.path);
    const made = await workers.dirs(target, dirPaths);
    made.forEach((r, i) => {
      if ('error' in r) throw restoreFailed(target, dirPaths[i] ?? '', `${r.error.code}: ${r.error.message}`);
    });
    progress.itemsDone += dirPaths.length;
    report();

    // 4. The files to write, streamed out of the zip by the workers, a range at a time.
    const written = new Set<string>();
    const toWrite = new Set(
      manifest.entries.filter((e) => e.type === 'file' && !known.has(e.path)).map((e) => e.path),
    );
    let ranges: ZipRange[] | null = dataRanges(checked, (w) =>
      w.type === 'file' ? { sha256: w.sha256, mode: w.mode, mtimeMs: w.mtimeMs } : {},
    )
      .map((r): ZipRange => ({ ...r, entries: r.entries.filter((e) => toWrite.has(e.name)) }))
      .filter((r) => r.entries.length > 0);
    checked = null;
    toWrite.clear();
    for await (const { range, results } of inOrder(
      ranges,
      { maxItems: workers.size * RANGES_PER_WORKER },
      async (range) => ({
        range,
        results: await workers.extract(zipPath, target, range),
      }),
    )) {
      results.forEach((r, i) => {
        const e = range.entries[i];
        if ('error' in r) {
          if (r.error.code === 'EZIP')
            throw fail(r.error.problem ?? 'data', r.error.entry ?? e?.name ?? '', r.error.message);
          throw restoreFailed(target, e?.name ?? '', `${r.error.code}: ${r.error.message}`);
        }
      });
      for (const e of range.entries) written.add(e.name);
      progress.itemsDone += range.entries.length;
      progress.bytesDone += range.entries.reduce((s, e) => s + e.size, 0);
      report();
    }
    ranges = null;

    // 5. Files whose content was right: mode and mtime as recorded.
    for (const p of known.keys()) {
      const e = wanted.get(p) as ManifestFile;
      const have = present.get(p) as FileEntry;
      const full = path.join(target, p);
      try {
        if (have.mode !== e.mode) await chmod(full, e.mode);
        if (have.mtimeMs !== e.mtimeMs) {
          const when = new Date(e.mtimeMs);
          await utimes(full, when, when);
        }
      } catch (err) {
        throw restoreFailed(target, p, String(err));
      }
      progress.itemsDone++;
      progress.bytesDone += e.size;
    }

    // 6. Links, as recorded (never followed).
    for (const e of manifest.entries) {
      if (e.type !== 'symlink') continue;
      const full = path.join(target, e.path);
      try {
        const existing = await readlink(full).catch(() => null);
        if (existing !== e.target) {
          await rm(full, { force: true });
          await symlink(e.target, full);
        }
      } catch (err) {
        throw restoreFailed(target, e.path, String(err));
      }
      progress.itemsDone++;
    }
    report();

    // 7. Folder modes last: a read-only folder would have refused the files written into it.
    for (const e of manifest.entries) {
      if (e.type === 'dir')
        await chmod(path.join(target, e.path), e.mode).catch((err: unknown) =>
          Promise.reject(restoreFailed(target, e.path, String(err))),
        );
    }

    // 8. The proof: a new listing of the folder (names, types, sizes, modes, mtimes as the disk
    // has them now), with each file's SHA-256 as read from the disk (files found right) or as
    // written (files restored: the worker hashed the very bytes it wrote and found the manifest's).
    const after = await workers.list(target, exclusions);
    const hash = await hashTree(after, (f) => {
      const seen = known.get(f.path);
      if (seen) return seen;
      const w = wanted.get(f.path);
      if (!written.has(f.path) || w?.type !== 'file')
        throw restoreFailed(target, f.path, 'a file that the restore did not write and did not read');
      return { sha256: w.sha256, crc32: w.crc32, size: f.size };
    });
    progress.bytesDone = progress.bytesTotal;
    progress.itemsDone = progress.itemsTotal;
    report();
    if (hash !== manifest.treeHash) {
      throw new UpgradeError(
        msg('backup.files.restore-mismatch', { path: target }),
        `${hash} != ${manifest.treeHash}`,
      );
    }
    return hash;
  } finally {
    await workers.close();
    await backup.close();
  }
}
