import { createHash } from 'node:crypto';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { inOrder } from './ahead';
import { type FileDigest, digestFile } from './hash';

export type TreeEntry =
  | { type: 'dir'; path: string; mode: number }
  | { type: 'file'; path: string; size: number; mtimeMs: number; mode: number }
  | { type: 'symlink'; path: string; target: string };

export type FileEntry = Extract<TreeEntry, { type: 'file' }>;

/** Relative paths use '/', as in a zip; exclusions compare case-insensitively, as Windows does. */
export function isExcluded(relPath: string, exclusions: readonly string[]): boolean {
  const p = relPath.toLowerCase();
  return exclusions.some((e) => {
    const x = e.replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
    return p === x || p.startsWith(`${x}/`);
  });
}

/** How many lstat calls one folder may have in flight: enough to hide the latency, not enough to flood the thread pool. */
const STAT_CONCURRENCY = 32;

/**
 * Lists a folder without following links: a symlink or junction is recorded, not entered.
 * The order is fixed (names sorted, a folder before its contents): the manifest, the zip and the
 * tree hash all follow it. Within a folder the lstat calls run concurrently.
 */
export async function listTree(root: string, exclusions: readonly string[] = []): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function walk(relDir: string): Promise<void> {
    const abs = relDir ? path.join(root, relDir) : root;
    const names = (await readdir(abs)).sort();
    const rels = names
      .map((name) => (relDir ? `${relDir}/${name}` : name))
      .filter((rel) => !isExcluded(rel, exclusions));
    const stats = inOrder(rels, { maxItems: STAT_CONCURRENCY }, async (rel) => {
      const full = path.join(root, rel);
      const st = await lstat(full);
      return { rel, st, target: st.isSymbolicLink() ? await readlink(full) : '' };
    });
    const entries: TreeEntry[] = [];
    for await (const { rel, st, target } of stats) {
      if (st.isSymbolicLink()) entries.push({ type: 'symlink', path: rel, target });
      else if (st.isDirectory()) entries.push({ type: 'dir', path: rel, mode: st.mode & 0o777 });
      else if (st.isFile())
        entries.push({ type: 'file', path: rel, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777 });
    }
    for (const e of entries) {
      out.push(e);
      if (e.type === 'dir') await walk(e.path);
    }
  }
  await walk('');
  return out;
}

/** The line of one entry in the tree hash. */
export function treeLine(e: TreeEntry, d?: FileDigest): string {
  if (e.type === 'dir') return `d\t${e.path}\t${e.mode.toString(8)}\n`;
  if (e.type === 'symlink') return `l\t${e.path}\t${e.target}\n`;
  if (!d) throw new Error(`no digest for ${e.path}`);
  return `f\t${e.path}\t${d.size}\t${e.mode.toString(8)}\t${Math.floor(e.mtimeMs / 1000)}\t${d.sha256}\n`;
}

/** How many entries the tree hash reads ahead. */
const HASH_CONCURRENCY = 8;

/**
 * One hash for a whole folder: names, types, sizes, modes, whole-second mtimes and contents.
 * Equal hashes before a backup and after a restore prove the folder is back to the byte.
 * Digests are asked for a few files ahead and folded in the fixed order.
 */
export async function hashTree(
  entries: readonly TreeEntry[],
  digestOf: (file: FileEntry) => Promise<FileDigest> | FileDigest,
): Promise<string> {
  const h = createHash('sha256');
  const lines = inOrder(entries, { maxItems: HASH_CONCURRENCY }, async (e) =>
    treeLine(e, e.type === 'file' ? await digestOf(e) : undefined),
  );
  for await (const line of lines) h.update(line);
  return h.digest('hex');
}

export async function treeHash(root: string, exclusions: readonly string[] = []): Promise<string> {
  return hashTree(await listTree(root, exclusions), (e) => digestFile(path.join(root, e.path)));
}
