import { openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { serveZipThread } from '../zip-thread-serve';

/**
 * For the tests only, never shipped: a zip thread that fails some opens of source files as
 * Windows fails them (EBUSY for a file IIS holds, EACCES or EPERM for one the account may not
 * read, ENOENT for one removed since the listing), which root on Linux cannot bring about at
 * will. workerData maps the end of a path to the error's code.
 */
const refusals = Object.entries(workerData ?? {}).map(([suffix, code]) => ({ suffix, code: String(code) }));

function openOrRefuse(file: string): number {
  const refused = refusals.find((r) => file.endsWith(r.suffix));
  if (refused)
    throw Object.assign(new Error(`${refused.code}: refused by the test, open '${file}'`), {
      code: refused.code,
      path: file,
    });
  return openSync(file, 'r');
}

if (!parentPort) throw new Error('a zip thread runs as a worker thread: ZipWorkers starts it');
serveZipThread(parentPort, openOrRefuse);
