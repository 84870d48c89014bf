import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UpgradeError, msg } from '../../shared/message';
import { type KitFileEntry, matchesEntry } from './kit-file-hash';
import { fold, foldersOf } from './kit-unlisted';
import type { KitFilesProgress, SignedKit } from './kit-verify';

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

/** One file from the stick into the staging folder, hashed on the way; refused unless it matches. */
async function copyFromStick(kit: SignedKit, f: KitFileEntry, target: string, dir: string): Promise<void> {
  const source = path.join(kit.dir, ...f.path.split('/'));
  const st = await lstat(source).catch(() => null);
  if (!st) throw new UpgradeError(msg('kit.file-missing', { path: f.path }));
  if (!st.isFile()) throw new UpgradeError(msg('kit.symlink', { path: f.path }));
  const part = target + PART;
  const h = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      h.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const failed = async (err: unknown) => {
    await rm(part, { force: true }).catch(() => undefined);
    return new UpgradeError(msg('kit-staging.copy-failed', { path: f.path, dir }), String(err));
  };
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await rm(part, { force: true });
    // 'wx': a new file, never one that is there already (nor a link put in its place).
    await pipeline(createReadStream(source), hashing, createWriteStream(part, { flags: 'wx' }));
  } catch (err) {
    throw await failed(err);
  }
  if (size !== f.size || h.digest('hex') !== f.sha256) {
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
 * the server) and verified there against its SHA-256. Idempotent, so a resume or a retry calls
 * it again: a staged file that still matches is kept; one that does not is copied again from
 * the stick and verified again; a stick file that no longer matches fails naming it.
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
    if (!(await matchesEntry(target, f))) {
      const there = await lstat(target).then(
        () => true,
        () => false,
      );
      await copyFromStick(kit, f, target, dir);
      if (!(await matchesEntry(target, f)))
        throw new UpgradeError(msg('kit-staging.staged-mismatch', { path: f.path, dir }));
      staged.copied.push(f.path);
      if (there) staged.replaced.push(f.path);
    }
    progress.itemsDone++;
    progress.bytesDone += f.size;
    onProgress?.({ ...progress });
  }
  return staged;
}
