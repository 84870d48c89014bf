import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UpgradeError, msg } from '../../shared/message';
import { digestFile } from '../files/hash';
import type { KitManifest } from './kit-manifest';
import { fold, foldersOf } from './kit-unlisted';
import type { KitFilesProgress, SignedKit } from './kit-verify';

type KitFileEntry = KitManifest['files'][number];

/** The kit's copy on the server, made and verified: what the setups run from. */
export interface StagedKit {
  dir: string;
  files: number;
  bytes: number;
  /** Files copied from the stick this time (all of them, the first time). */
  copied: string[];
  /** Of those, the ones that were staged already but no longer matched (a crash mid-copy, an edit). */
  replaced: string[];
}

/** A copy under way: never under a listed name until its bytes matched the manifest. */
const PART = '.part';

/** The staging folder must be a real folder: a link there would send the copy elsewhere. */
async function ensureFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const st = await lstat(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new UpgradeError(msg('kit-staging.not-a-folder', { dir }));
}

/** Only listed files sit beside the setups: anything else in the folder (links, leftovers) goes. */
async function removeUnlisted(root: string, files: readonly KitFileEntry[]): Promise<void> {
  const listed = new Set(files.map((f) => fold(f.path)));
  const folders = foldersOf(listed);
  async function walk(rel: string): Promise<void> {
    for (const name of await readdir(path.join(root, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      const full = path.join(root, child);
      const st = await lstat(full);
      if (st.isSymbolicLink()) await rm(full, { force: true });
      else if (st.isDirectory() && folders.has(fold(child))) await walk(child);
      else if (!(st.isFile() && listed.has(fold(child)))) await rm(full, { recursive: true, force: true });
    }
  }
  await walk('');
}

/** What is at a staged file's place already: nothing, the signed file, or anything else. */
async function stagedAs(file: string, entry: KitFileEntry): Promise<'none' | 'good' | 'stale'> {
  const st = await lstat(file).catch(() => null);
  if (!st) return 'none';
  if (!st.isFile() || st.size !== entry.size) return 'stale';
  const got = await digestFile(file).catch(() => null);
  return got?.sha256 === entry.sha256 ? 'good' : 'stale';
}

/**
 * One file from the stick into the staging folder, refused unless it matches. The hash is of the
 * bytes written into a new .part ('wx': never a file there already, nor a link put in its place),
 * so the renamed copy needs no second reading.
 */
async function copyFromStick(kit: SignedKit, f: KitFileEntry, target: string, dir: string): Promise<void> {
  const source = path.join(kit.dir, ...f.path.split('/'));
  const st = await lstat(source).catch(() => null);
  if (!st) throw new UpgradeError(msg('kit.file-missing', { path: f.path }));
  if (!st.isFile()) throw new UpgradeError(msg('kit.symlink', { path: f.path }));
  const part = target + PART;
  const failed = async (err: unknown) => {
    await rm(part, { force: true }).catch(() => undefined);
    return new UpgradeError(msg('kit-staging.copy-failed', { path: f.path, dir }), String(err));
  };
  // Hashed here, not by sealedCopy: its hashing thread per file would cost more than the copy
  // (0.05 to 0.1 s a file, measured; a kit lists up to 10,000).
  const h = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      h.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await rm(part, { force: true });
    await pipeline(createReadStream(source), hashing, createWriteStream(part, { flags: 'wx' }));
  } catch (err) {
    throw await failed(err);
  }
  if (h.digest('hex') !== f.sha256) {
    await rm(part, { force: true });
    throw new UpgradeError(msg('kit.file-hash', { path: f.path }));
  }
  // The stale copy goes only now, for the checked one (a file still in use says so, by name).
  await rm(target, { recursive: true, force: true })
    .then(() => rename(part, target))
    .catch(async (err: unknown) => {
      throw await failed(err);
    });
}

/**
 * Every file the signed manifest lists, copied from the stick into `dir` (a protected folder on
 * the server), the bytes written checked against its SHA-256: in a run this is the proof of the
 * stick's files (check.kit reads them only here). Idempotent, so a resume or a retry calls it
 * again: a staged file that still matches is kept; one that does not is copied again from the
 * stick and verified again; a stick file that no longer matches fails naming it.
 */
export async function stageKit(
  kit: SignedKit,
  dir: string,
  onProgress?: (p: KitFilesProgress) => void,
): Promise<StagedKit> {
  const { files } = kit.manifest;
  await ensureFolder(dir);
  await removeUnlisted(dir, files);
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  const progress = { itemsDone: 0, itemsTotal: files.length, bytesDone: 0, bytesTotal };
  const staged: StagedKit = { dir, files: files.length, bytes: bytesTotal, copied: [], replaced: [] };
  for (const f of files) {
    const target = path.join(dir, ...f.path.split('/'));
    const there = await stagedAs(target, f);
    if (there !== 'good') {
      await copyFromStick(kit, f, target, dir);
      staged.copied.push(f.path);
      if (there === 'stale') staged.replaced.push(f.path);
    }
    progress.itemsDone++;
    progress.bytesDone += f.size;
    onProgress?.({ ...progress });
  }
  return staged;
}
