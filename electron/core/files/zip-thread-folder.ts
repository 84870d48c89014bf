import { chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { digestFileSync } from './hash';
import { type TreeEntry, isExcluded } from './tree';
import { failure } from './zip-thread-io';
import { scratchOf } from './zip-thread-memory';
import { BLOCK, type CheckResult, type ReplyOf, type RequestOf } from './zip-thread-messages';

/** A zip thread's work on a folder on the disk: listing it, making its folders, hashing its files. */

/**
 * The same listing as tree.ts's listTree (names sorted, a folder before its contents, links
 * recorded and not followed, the same exclusions), with synchronous calls.
 */
export function list({ root, exclusions }: RequestOf<'list'>): ReplyOf<'list'> {
  const out: TreeEntry[] = [];
  const walk = (relDir: string) => {
    const names = readdirSync(relDir ? path.join(root, relDir) : root).sort();
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      if (isExcluded(rel, exclusions)) continue;
      const full = path.join(root, rel);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.push({ type: 'symlink', path: rel, target: readlinkSync(full) });
      else if (st.isDirectory()) {
        out.push({ type: 'dir', path: rel, mode: st.mode & 0o777 });
        walk(rel);
      } else if (st.isFile())
        out.push({ type: 'file', path: rel, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777 });
    }
  };
  walk('');
  return { op: 'list', results: out };
}

/** Folders made (or kept), and writable for the files to come; their own modes are set at the end. */
export function dirs({ root, paths }: RequestOf<'dirs'>): ReplyOf<'dirs'> {
  const results = paths.map((p): CheckResult => {
    try {
      const full = path.join(root, p);
      mkdirSync(full, { recursive: true });
      const mode = lstatSync(full).mode & 0o777;
      if ((mode & 0o700) !== 0o700) chmodSync(full, mode | 0o700);
      return { ok: true };
    } catch (err) {
      return failure(err);
    }
  });
  return { op: 'dirs', results };
}

/** SHA-256, CRC-32 and size of files already on the disk. */
export function hash({ files }: RequestOf<'hash'>): ReplyOf<'hash'> {
  const chunk = scratchOf(BLOCK);
  const results = files.map((file) => {
    try {
      return digestFileSync(file, chunk);
    } catch (err) {
      return failure(err);
    }
  });
  return { op: 'hash', results };
}
