import { ZipArchive, type ZipEntryData } from 'archiver';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { UpgradeError, msg } from '../../shared/message';
import { type BackupManifest, type FileProgress, type ManifestEntry, manifestPathFor } from './manifest';
import { hashTree, listTree } from './tree';

/** Already-compressed formats: deflating them again costs time and saves nothing. */
const STORED_EXTENSIONS = new Set([
  '.zip', '.gz', '.7z', '.rar', '.jpg', '.jpeg', '.png', '.gif', '.webp', '.mp4', '.mp3',
  '.pdf', '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.woff', '.woff2', '.nupkg', '.cab', '.msi',
]);

const UNREADABLE = new Set(['EBUSY', 'EPERM', 'EACCES']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export interface ZipFolderOptions {
  exclusions?: readonly string[];
  onProgress?: (p: FileProgress) => void;
}

/** Files above this size are streamed instead of read whole, to bound memory. */
const WHOLE_READ_LIMIT = 32 * 1024 * 1024;

async function readInto(
  archive: ZipArchive,
  full: string,
  rel: string,
  data: ZipEntryData,
  expectedSize: number,
): Promise<{ size: number; crc32: number; sha256: string }> {
  try {
    if (expectedSize <= WHOLE_READ_LIMIT) {
      const buf = await readFile(full);
      archive.append(buf, data);
      return { size: buf.length, crc32: crc32(buf), sha256: createHash('sha256').update(buf).digest('hex') };
    }
    // Large file: hash as archiver pulls it through, so it is read once.
    const sha = createHash('sha256');
    let crc = 0;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sha.update(chunk);
        crc = crc32(chunk, crc);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const ended = new Promise<void>((resolve, reject) => {
      tap.on('end', resolve);
      tap.on('close', resolve);
      tap.on('error', reject);
    });
    const source = createReadStream(full);
    source.on('error', (err) => tap.destroy(err));
    source.pipe(tap);
    archive.append(tap, data);
    await ended;
    return { size, crc32: crc, sha256: sha.digest('hex') };
  } catch (err) {
    const code = errorCode(err);
    if (code && UNREADABLE.has(code)) {
      throw new UpgradeError(msg('backup.files.unreadable', { path: rel, code }), String(err));
    }
    throw err;
  }
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * Zips `source` into `zipPath` with archiver and writes the manifest beside it.
 * A file that can't be read stops the backup by name; a full disk removes the partial zip.
 */
export async function zipFolder(source: string, zipPath: string, options: ZipFolderOptions = {}): Promise<BackupManifest> {
  const started = Date.now();
  const exclusions = [...(options.exclusions ?? [])];
  const resolvedZip = path.resolve(zipPath);
  if (resolvedZip.toLowerCase().startsWith(path.resolve(source).toLowerCase() + path.sep)) {
    throw new UpgradeError(msg('backup.files.inside-source', { zip: zipPath }));
  }
  const tree = await listTree(source, exclusions);
  const files = tree.filter((e): e is Extract<typeof e, { type: 'file' }> => e.type === 'file');
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  const progress: FileProgress = { itemsDone: 0, itemsTotal: tree.length, bytesDone: 0, bytesTotal };

  const archive = new ZipArchive({ zlib: { level: 1 } });
  const out = createWriteStream(resolvedZip, { flags: 'wx' });
  const written = pipeline(archive, out);
  written.catch(() => undefined);
  const entries: ManifestEntry[] = [];
  try {
    for (const e of tree) {
      if (e.type === 'dir') {
        archive.append(Buffer.alloc(0), { name: `${e.path}/`, type: 'directory', mode: e.mode });
        entries.push(e);
      } else if (e.type === 'symlink') {
        archive.symlink(e.path, e.target);
        entries.push(e);
      } else {
        const full = path.join(source, e.path);
        const stored = STORED_EXTENSIONS.has(path.extname(e.path).toLowerCase());
        const digest = await readInto(archive, full, e.path, { name: e.path, date: new Date(e.mtimeMs), mode: e.mode, store: stored }, e.size);
        entries.push({ ...e, size: digest.size, crc32: digest.crc32, sha256: digest.sha256, stored });
        progress.bytesDone += digest.size;
      }
      progress.itemsDone++;
      options.onProgress?.({ ...progress });
    }
    await archive.finalize();
    await written;
    const handle = await open(resolvedZip, 'r');
    await handle.sync().finally(() => handle.close());
  } catch (err) {
    archive.abort();
    await written.catch(() => undefined);
    await rm(resolvedZip, { force: true });
    if (err instanceof UpgradeError) throw err;
    const code = errorCode(err);
    if (code && DISK_FULL.has(code)) {
      throw new UpgradeError(msg('backup.files.disk-full', { path: path.dirname(resolvedZip) }), String(err));
    }
    throw new UpgradeError(msg('backup.files.failed'), String(err));
  }
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const treeHash = await hashTree(tree, (f) => {
    const m = byPath.get(f.path) as Extract<ManifestEntry, { type: 'file' }>;
    return { sha256: m.sha256, crc32: m.crc32, size: m.size };
  });
  const zipHash = createHash('sha256');
  await pipeline(createReadStream(resolvedZip), zipHash);
  const { size } = await stat(resolvedZip);
  const manifest: BackupManifest = {
    format: 1,
    source: path.resolve(source),
    createdAt: new Date(started).toISOString(),
    exclusions,
    entries,
    treeHash,
    zip: { file: path.basename(resolvedZip), bytes: size, sha256: zipHash.digest('hex') },
    durationMs: Date.now() - started,
  };
  await writeFile(manifestPathFor(resolvedZip), JSON.stringify(manifest, null, 1));
  return manifest;
}
