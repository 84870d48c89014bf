import path from 'node:path';

/**
 * Whether `dir` is `root` or inside it, ignoring case on Windows as its file systems do. A name
 * that only starts with two dots (`..copie`) is inside.
 */
export function isWithin(dir: string, root: string): boolean {
  const fold = (p: string) =>
    process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p);
  const rel = path.relative(fold(root), fold(dir));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The same folder, ignoring case on Windows as its file systems do. */
export const samePath = (a: string, b: string): boolean => isWithin(a, b) && isWithin(b, a);
