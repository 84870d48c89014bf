import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { KIT_MANIFEST, KIT_REPORTS, KIT_SIGNATURE, type KitManifest } from './kit-manifest';

/** Windows' own folders at a volume's root: never read, and nothing of the kit is taken from them. */
const VOLUME_FOLDERS = ['system volume information', '$recycle.bin'];
/** The practice server's stand-in for a download mark (an NTFS stream on Windows; see mark-of-the-web.ts). */
const MARK = ':zone.identifier';

/** Windows compares names without case: so does this, on every system. */
export const fold = (p: string) => p.toLowerCase();

/** Every folder that holds one of the paths (`a/b/c.txt` gives `a` and `a/b`). */
export function foldersOf(paths: Iterable<string>): Set<string> {
  const folders = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders;
}

interface Allowed {
  files: Set<string>;
  folders: Set<string>;
  extras: Set<string>;
}

function allowedOf(manifest: KitManifest, allowedExtra: readonly string[]): Allowed {
  const files = new Set(manifest.files.map((f) => fold(f.path)));
  return {
    files,
    folders: foldersOf(files),
    extras: new Set(allowedExtra.map((p) => fold(p.replace(/\\/g, '/')))),
  };
}

/** Whether an entry at the kit's root is the kit's own or Windows' own, and is not looked into. */
const rootOwn = (name: string) =>
  [KIT_MANIFEST, KIT_SIGNATURE, KIT_REPORTS, ...VOLUME_FOLDERS].includes(fold(name));

/**
 * What lies on the stick that the signed manifest does not list, up to `limit` entries. A file
 * beside a setup can steer it whatever its extension (setup.exe.config, a .local folder,
 * version.dll, .hta, .cpl, .msc), so nothing unlisted passes: only the listed files and their
 * folders, kit.json, kit.sig, reports/ (the upgrade manager writes there), the upgrade manager's
 * own files (`allowedExtra`, a file or a whole folder) and Windows' volume folders at the root.
 * A link anywhere is refused outright (`kit.symlink`).
 */
async function findUnlisted(
  dir: string,
  manifest: KitManifest,
  allowedExtra: readonly string[],
  limit = 10,
): Promise<string[]> {
  const allowed = allowedOf(manifest, allowedExtra);
  const found: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const name of (await readdir(path.join(dir, rel))).sort()) {
      if (found.length >= limit) return;
      const child = rel ? `${rel}/${name}` : name;
      const key = fold(child);
      if ((!rel && rootOwn(name)) || allowed.extras.has(key)) continue;
      const st = await lstat(path.join(dir, child));
      if (st.isSymbolicLink()) throw new UpgradeError(msg('kit.symlink', { path: child }));
      if (st.isDirectory() && allowed.folders.has(key)) await walk(child);
      else if (st.isFile() && allowed.files.has(key)) continue;
      else if (st.isFile() && key.endsWith(MARK) && allowed.files.has(key.slice(0, -MARK.length))) continue;
      else found.push(st.isDirectory() ? `${child}/` : child);
    }
  }
  await walk('');
  return found;
}

/** Refuses a stick that holds anything the manifest does not list, naming what to remove. */
export async function refuseUnlisted(
  dir: string,
  manifest: KitManifest,
  allowedExtra: readonly string[],
): Promise<void> {
  const found = await findUnlisted(dir, manifest, allowedExtra);
  if (found.length > 0) throw new UpgradeError(msg('kit.unlisted', { paths: found.join(', ') }));
}
