import { chmod, lstat, mkdir, readlink, rm, rmdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import type { FileProgress } from './manifest';
import { forEachZipEntry } from './zip-read';
import { listTree, treeHash } from './tree';
import { verifyZip } from './zip-verify';

async function readEntries(zipPath: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await forEachZipEntry(zipPath, async (entry, openStream) => {
    if (entry.fileName.endsWith('/')) return;
    const chunks: Buffer[] = [];
    for await (const c of await openStream()) chunks.push(c);
    out.set(entry.fileName, Buffer.concat(chunks));
  });
  return out;
}

/**
 * Puts `target` back exactly as the backup recorded it: files the setup changed are rewritten,
 * files it added are removed, modes and timestamps restored; excluded folders are not touched.
 * Then proves it: the folder's tree hash must equal the one recorded before the backup.
 */
export async function restoreZip(zipPath: string, target: string, onProgress?: (p: FileProgress) => void): Promise<string> {
  const manifest = await verifyZip(zipPath);
  const exclusions = manifest.exclusions;
  const wanted = new Map(manifest.entries.map((e) => [e.path, e]));
  await mkdir(target, { recursive: true });

  // Remove what the backup does not know, deepest first.
  const current = await listTree(target, exclusions);
  for (const e of [...current].reverse()) {
    const w = wanted.get(e.path);
    const full = path.join(target, e.path);
    if (w && w.type === e.type) continue;
    if (e.type === 'dir') {
      await rm(full, { recursive: true, force: true }).catch(() => rmdir(full));
    } else {
      await chmod(full, 0o666).catch(() => undefined);
      await rm(full, { force: true });
    }
  }

  const contents = await readEntries(zipPath);
  const bytesTotal = manifest.entries.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
  const progress: FileProgress = { itemsDone: 0, itemsTotal: manifest.entries.length, bytesDone: 0, bytesTotal };
  for (const e of manifest.entries) {
    const full = path.join(target, e.path);
    if (e.type === 'dir') {
      await mkdir(full, { recursive: true });
    } else if (e.type === 'symlink') {
      const existing = await readlink(full).catch(() => null);
      if (existing !== e.target) {
        await rm(full, { force: true });
        await symlink(e.target, full);
      }
    } else {
      const data = contents.get(e.path);
      if (!data) throw new UpgradeError(msg('backup.files.verify-failed', { zip: path.basename(zipPath), entry: e.path, problem: 'missing' }));
      await mkdir(path.dirname(full), { recursive: true });
      const st = await lstat(full).catch(() => null);
      if (st) await chmod(full, 0o666);
      await writeFile(full, data);
      await chmod(full, e.mode);
      const when = new Date(e.mtimeMs);
      await utimes(full, when, when);
      progress.bytesDone += e.size;
    }
    progress.itemsDone++;
    onProgress?.({ ...progress });
  }
  // Directory modes last: a read-only folder would refuse the files written into it.
  for (const e of manifest.entries) if (e.type === 'dir') await chmod(path.join(target, e.path), e.mode);

  const after = await treeHash(target, exclusions);
  if (after !== manifest.treeHash) {
    throw new UpgradeError(msg('backup.files.restore-mismatch', { path: target }), `${after} != ${manifest.treeHash}`);
  }
  return after;
}
