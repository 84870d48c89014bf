import { closeSync, readSync, writeSync } from 'node:fs';
import type { WorkerError } from './zip-thread-messages';

/** What a zip thread's work shares: whole reads and writes, and errors as the replies carry them. */

/** Fills `buf` from `position`; fewer bytes only at the end of the file. */
export function readAt(fd: number, buf: Buffer, position: number): number {
  let filled = 0;
  while (filled < buf.length) {
    const n = readSync(fd, buf, filled, buf.length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

export function writeAll(fd: number, buf: Buffer): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
}

/** For a descriptor whose failure is reported already, or does not matter. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing more to say.
  }
}

/** An error (Node's, with its code and path) as a reply carries it. */
export function failure(err: unknown): WorkerError {
  const known = typeof err === 'object' && err !== null;
  const code = known && 'code' in err && err.code ? String(err.code) : 'EUNKNOWN';
  const at = known && 'path' in err && err.path ? String(err.path) : undefined;
  const message = err instanceof Error && err.message ? err.message : String(err);
  return { error: { code, message, ...(at ? { path: at } : {}) } };
}

/** An entry of the zip that is not what its directory says. */
export function problem(entry: string, kind: string, detail?: string): WorkerError {
  return {
    error: {
      code: 'EZIP',
      problem: kind,
      entry,
      message: `${entry}: ${kind}${detail ? ` (${detail})` : ''}`,
    },
  };
}

/** An error with a code, as Node's own. */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
