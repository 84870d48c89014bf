import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export type TreeEntry =
  | { type: 'dir'; path: string; mode: number }
  | { type: 'file'; path: string; size: number; mtimeMs: number; mode: number }
  | { type: 'symlink'; path: string; target: string };

/** Relative paths use '/', as in a zip; exclusions compare case-insensitively, as Windows does. */
export function isExcluded(relPath: string, exclusions: readonly string[]): boolean {
  const p = relPath.toLowerCase();
  return exclusions.some((e) => {
    const x = e.replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
    return p === x || p.startsWith(`${x}/`);
  });
}

/** Lists a folder without following links: a symlink or junction is recorded, not entered. */
export async function listTree(root: string, exclusions: readonly string[] = []): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function walk(relDir: string): Promise<void> {
    const abs = relDir ? path.join(root, relDir) : root;
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      if (isExcluded(rel, exclusions)) continue;
      const full = path.join(abs, name);
      const st = await lstat(full);
      if (st.isSymbolicLink()) {
        out.push({ type: 'symlink', path: rel, target: await readlink(full) });
      } else if (st.isDirectory()) {
        out.push({ type: 'dir', path: rel, mode: st.mode & 0o777 });
        await walk(rel);
      } else if (st.isFile()) {
        out.push({ type: 'file', path: rel, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777 });
      }
    }
  }
  await walk('');
  return out;
}

export interface FileDigest {
  sha256: string;
  crc32: number;
  size: number;
}

export async function digestFile(file: string): Promise<FileDigest> {
  const sha = createHash('sha256');
  let crc = 0;
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    sha.update(chunk);
    crc = crc32(chunk, crc);
    size += chunk.length;
  }
  return { sha256: sha.digest('hex'), crc32: crc, size };
}

/**
 * One hash for a whole folder: names, types, sizes, modes, whole-second mtimes and contents.
 * Equal hashes before a backup and after a restore prove the folder is back to the byte.
 */
export async function hashTree(
  entries: readonly TreeEntry[],
  digestOf: (file: Extract<TreeEntry, { type: 'file' }>) => Promise<FileDigest> | FileDigest,
): Promise<string> {
  const h = createHash('sha256');
  for (const e of entries) {
    if (e.type === 'dir') h.update(`d\t${e.path}\t${e.mode.toString(8)}\n`);
    else if (e.type === 'symlink') h.update(`l\t${e.path}\t${e.target}\n`);
    else {
      const d = await digestOf(e);
      h.update(`f\t${e.path}\t${d.size}\t${e.mode.toString(8)}\t${Math.floor(e.mtimeMs / 1000)}\t${d.sha256}\n`);
    }
  }
  return h.digest('hex');
}

export async function treeHash(root: string, exclusions: readonly string[] = []): Promise<string> {
  return hashTree(await listTree(root, exclusions), (e) => digestFile(path.join(root, e.path)));
}
