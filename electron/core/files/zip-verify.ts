import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { inOrder } from './ahead';
import { sha256Of } from './hash';
import { HashWorker } from './hash-worker';
import {
  type BackupManifest,
  type FileProgress,
  type ManifestEntry,
  manifestPathFor,
  parseManifest,
} from './manifest';
import { type ZipDirectoryEntry, readZipDirectory, zipRanges } from './zip-read';
import type { CheckResult, ZipRange, ZipRangeEntry } from './zip-thread-messages';
import { ZipWorkers } from './zip-workers';

/** The manifest beside the zip, parsed from the very bytes whose SHA-256 is returned with it. */
async function readManifest(zipPath: string): Promise<{ manifest: BackupManifest; sha256: string }> {
  let raw: Buffer;
  try {
    raw = await readFile(manifestPathFor(zipPath));
  } catch (err) {
    throw new UpgradeError(msg('backup.files.manifest-missing', { zip: zipPath }), String(err));
  }
  return { manifest: parseManifestBytes(raw, zipPath), sha256: sha256Of(raw) };
}

/** A manifest's bytes as a manifest, or the error that says the file list is not valid. */
export function parseManifestBytes(raw: Buffer, zipPath: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new UpgradeError(msg('backup.files.manifest-invalid', { zip: zipPath }), String(err));
  }
  const parsed = parseManifest(json);
  if (!parsed.success)
    throw new UpgradeError(msg('backup.files.manifest-invalid', { zip: zipPath }), parsed.error);
  return parsed.data;
}

/** A zip entry's name as the manifest has it: no trailing slash on folders. */
const manifestName = (zipName: string) => zipName.replace(/\/$/, '');

export interface CheckedZip {
  manifest: BackupManifest;
  /** The zip's entries in file order, each with the manifest's entry and where the next entry starts. */
  entries: { zip: ZipDirectoryEntry; want: ManifestEntry; next: number }[];
}

/**
 * The structure of the zip against its manifest, from the central directory alone: every
 * entry of the manifest is in the zip, nothing else is, and each file has the size and CRC-32
 * the manifest recorded. `fail(problem, entry)` makes the error.
 */
async function checkZipDirectory(
  zipPath: string,
  manifest: BackupManifest,
  fail: (problem: string, entry: string, detail?: string) => UpgradeError,
): Promise<CheckedZip> {
  let dir: Awaited<ReturnType<typeof readZipDirectory>>;
  try {
    dir = await readZipDirectory(zipPath);
  } catch (err) {
    throw fail('unreadable', manifest.zip.file, String(err));
  }
  const expected = new Map(manifest.entries.map((e) => [e.path, e]));
  const seen = new Set<string>();
  const sorted = [...dir.entries].sort((a, b) => a.offset - b.offset);
  const entries: CheckedZip['entries'] = [];
  for (let i = 0; i < sorted.length; i++) {
    const z = sorted[i] as ZipDirectoryEntry;
    const name = manifestName(z.name);
    const want = expected.get(name);
    if (!want) throw fail('unexpected', name);
    if (seen.has(name)) throw fail('duplicate', name);
    seen.add(name);
    if (z.encrypted || (z.method !== 0 && z.method !== 8)) throw fail('method', name);
    if ((want.type === 'dir') !== z.name.endsWith('/')) throw fail('type', name);
    if (want.type === 'file') {
      if (z.size !== want.size) throw fail('size', name);
      if (z.crc32 !== want.crc32) throw fail('crc32', name);
    }
    entries.push({ zip: z, want, next: sorted[i + 1]?.offset ?? dir.directoryOffset });
  }
  for (const e of manifest.entries) if (!seen.has(e.path)) throw fail('missing', e.path);
  return { manifest, entries };
}

/** The ranges of the zip whose data the workers read, for the entries that have data. */
export function dataRanges(
  checked: CheckedZip,
  extra?: (want: ManifestEntry) => Partial<ZipRangeEntry>,
): ZipRange[] {
  return zipRanges(
    checked.entries
      .filter((e) => e.want.type !== 'dir')
      .map((e) => ({
        name: e.want.path,
        offset: e.zip.offset,
        csize: e.zip.compressedSize,
        size: e.zip.size,
        crc: e.zip.crc32,
        method: e.zip.method,
        next: e.next,
        ...(extra ? extra(e.want) : {}),
      })),
  );
}

/** Ranges in flight per worker: one being worked on, one waiting. */
export const RANGES_PER_WORKER = 2;

/** A backup being checked against its manifest, while its zip's SHA-256 is read on a thread of its own (unless already proved). */
export interface OpenedBackup {
  manifest: BackupManifest;
  /** The SHA-256 of the manifest's bytes, the very ones parsed. */
  manifestSha256: string;
  /** The zip's SHA-256, as the hash thread read it (or as proved before, when given). */
  zipSha256(): Promise<string>;
  /** The error for a zip that does not match its manifest. */
  fail: (problem: string, entry: string, detail?: string) => UpgradeError;
  /** Once the hash is read: null when the zip's SHA-256 is the manifest's, else the error. */
  shaProblem(): Promise<UpgradeError | null>;
  /** The central directory against the manifest; when it differs, a changed SHA-256 is the problem reported. */
  checkDirectory(): Promise<CheckedZip>;
  close(): Promise<void>;
}

/**
 * Reads the manifest and starts hashing the zip, for verify and restore alike. When the zip's
 * SHA-256 differs, that is the problem reported, whatever else is found: the file is not the one
 * that was written.
 *
 * `provedZipSha256`: the SHA-256 of the zip's very bytes, read already by whoever wrote them (the
 * rollback's sealed private copy, sealed-copy.ts): the zip is not read once more to hash it, and
 * that value is held to the manifest's instead.
 */
export async function openBackup(zipPath: string, provedZipSha256?: string): Promise<OpenedBackup> {
  const { manifest, sha256: manifestSha256 } = await readManifest(zipPath);
  const fail = (problem: string, entry: string, detail?: string) =>
    new UpgradeError(
      msg('backup.files.verify-failed', { zip: path.basename(zipPath), entry, problem }),
      detail,
    );
  let hasher: HashWorker | null = null;
  let sha: Promise<string>;
  if (provedZipSha256 === undefined) {
    hasher = new HashWorker();
    sha = hasher.hashFile(zipPath);
    sha.catch(() => undefined);
  } else {
    sha = Promise.resolve(provedZipSha256);
  }
  const shaProblem = async (): Promise<UpgradeError | null> => {
    const hex = await sha.catch((err: unknown) => {
      throw fail('unreadable', manifest.zip.file, String(err));
    });
    return hex === manifest.zip.sha256 ? null : fail('sha256', manifest.zip.file);
  };
  return {
    manifest,
    manifestSha256,
    zipSha256: () => sha,
    fail,
    shaProblem,
    checkDirectory: () =>
      checkZipDirectory(zipPath, manifest, fail).catch(async (err: unknown) => {
        throw (await shaProblem()) ?? err;
      }),
    close: async () => {
      await hasher?.close();
    },
  };
}

/**
 * Re-reads the written zip: its SHA-256 against the manifest (on a worker thread, while the rest
 * goes on), its central directory against the manifest (yauzl: every entry there, nothing else,
 * sizes and CRC-32s as recorded), and every entry's data, inflated and CRC-checked by the
 * workers a range of the file at a time. Only a verified zip opens the upgrade gate.
 *
 * When the zip's SHA-256 differs, that is the problem reported, whatever else is found: the
 * file is not the one that was written.
 */
export async function verifyZip(
  zipPath: string,
  onProgress?: (p: FileProgress) => void,
): Promise<BackupManifest> {
  return (await verifyBackup(zipPath, onProgress)).manifest;
}

/** What a verification read: the manifest, and the SHA-256 of its bytes and of the zip's. */
export interface VerifiedBackup {
  manifest: BackupManifest;
  manifestSha256: string;
  zipSha256: string;
}

/** verifyZip, with the hashes of what it read, for the journal to hold them against the rollback. */
export async function verifyBackup(
  zipPath: string,
  onProgress?: (p: FileProgress) => void,
): Promise<VerifiedBackup> {
  const backup = await openBackup(zipPath);
  const { manifest, fail } = backup;
  // One worker checks the entries while the hash worker reads the whole zip: two threads busy.
  // (A second checker was measured to save little, for the memory of another thread.)
  const workers = new ZipWorkers({ count: 1 });
  try {
    const checked = await backup.checkDirectory();
    const bytesTotal = manifest.entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
    const dirs = manifest.entries.filter((e) => e.type === 'dir').length;
    const progress: FileProgress = {
      itemsDone: dirs,
      itemsTotal: manifest.entries.length,
      bytesDone: 0,
      bytesTotal,
    };
    onProgress?.({ ...progress });
    const ranges = dataRanges(checked);
    const results = inOrder(ranges, { maxItems: workers.size * RANGES_PER_WORKER }, async (range) => ({
      range,
      results: await workers.check(zipPath, range),
    }));
    try {
      for await (const { range, results: checks } of results) {
        checks.forEach((r: CheckResult, i) => {
          if ('error' in r)
            throw fail(
              r.error.problem ?? 'data',
              r.error.entry ?? range.entries[i]?.name ?? '',
              r.error.message,
            );
        });
        progress.itemsDone += range.entries.length;
        progress.bytesDone += range.entries.reduce((s, e) => s + e.size, 0);
        onProgress?.({ ...progress });
      }
    } catch (err) {
      throw (await backup.shaProblem()) ?? err;
    }
    const problem = await backup.shaProblem();
    if (problem) throw problem;
    return { manifest, manifestSha256: backup.manifestSha256, zipSha256: await backup.zipSha256() };
  } finally {
    await workers.close();
    await backup.close();
  }
}
