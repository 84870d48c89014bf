import { UpgradeError, msg } from '../../shared/message';
import type { ManifestEntry } from './manifest';

/**
 * What a restore may write, decided from the manifest alone before anything on the disk is
 * touched: a link only with a relative target that stays inside the folder, and nothing listed
 * beneath a link or a file (writing there would go wherever that link points).
 */

const SEPARATORS = /[\\/]/;

/**
 * Whether a link at `linkPath` (relative, '/'-separated) whose target is `target` provably stays
 * inside the restored folder. Only a plain relative target is accepted: no root, no drive
 * (`C:`, `C:x`, `\\server`), no `:` at all (streams, devices), no name of dots and spaces alone
 * (Windows trims them into `..`), and `..` only at its start, no
 * further up than the link's own depth. A `..` after a name is refused: the name may be a link
 * itself, and then the disk would resolve it elsewhere than the text says. Each link obeys the
 * same rule, so following any chain of them stays inside too.
 */
export function linkStaysInside(linkPath: string, target: string): boolean {
  if (target === '' || target.includes(':') || target.includes('\0')) return false;
  if (SEPARATORS.test(target[0] ?? '')) return false;
  const parts = target.split(SEPARATORS).filter((p) => p !== '' && p !== '.');
  // Windows drops trailing dots and spaces: `.. ` or `...` could become `..` or `.` there.
  if (parts.some((p) => p !== '..' && /^[. ]+$/.test(p))) return false;
  const ups = parts.findIndex((p) => p !== '..');
  const leading = ups < 0 ? parts.length : ups;
  if (parts.slice(leading).includes('..')) return false;
  const depth = linkPath.split('/').length - 1;
  return leading <= depth;
}

/** Folder paths compare without case: on Windows `LNK` and `lnk/x` are the same place. */
const fold = (p: string) => p.toLowerCase();

/**
 * The first reason the manifest's entries cannot be restored safely, as an error naming the
 * entry; null when every link stays inside and nothing lies beneath a link or a file.
 */
export function unsafeEntry(entries: readonly ManifestEntry[], folder: string): UpgradeError | null {
  const notFolders = new Map<string, string>();
  for (const e of entries) if (e.type !== 'dir') notFolders.set(fold(e.path), e.path);
  for (const e of entries) {
    if (e.type === 'symlink' && !linkStaysInside(e.path, e.target))
      return new UpgradeError(
        msg('rollback-proof.link-outside', { entry: e.path, target: e.target, path: folder }),
      );
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = notFolders.get(fold(parts.slice(0, i).join('/')));
      if (parent !== undefined)
        return new UpgradeError(msg('rollback-proof.beneath-link', { entry: e.path, parent, path: folder }));
    }
  }
  return null;
}
