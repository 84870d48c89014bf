import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';

/**
 * How a worker thread's entry file (zip-thread, hash-thread, or a test's) is found and started,
 * in each way this code runs. The entries sit beside this module, with its own extension:
 * - built (Electron's main, out/main/): build/build.mjs makes each entry a bundle of its own,
 *   zip-thread.js and hash-thread.js, in the one folder of index.js and its chunks; the worker
 *   starts on that file;
 * - from the TypeScript sources (vitest; the CLI from a clone, through tsx): zip-thread.ts. Node
 *   runs no TypeScript, and a worker does not inherit the tsx loader of the thread that starts
 *   it; loading tsx into each worker cost some 0.4 s a thread (measured on 2 cores). So the entry
 *   and what it imports are bundled once per process by esbuild (which comes with tsx), in some
 *   0.1 s, and each worker runs that bundle.
 */
export function threadEntry(name: 'zip-thread' | 'hash-thread'): URL {
  const extension = path.posix.extname(new URL(import.meta.url).pathname);
  return new URL(`./${name}${extension}`, import.meta.url);
}

/**
 * Starts a worker thread on an entry file: a built one (.js) as it is; a TypeScript one (.ts) as
 * its bundle's text (eval), which is that file and its imports compiled, not code kept in a string.
 */
export function startThread(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  return new Worker(bundled(entry), { ...options, eval: true });
}

const bundles = new Map<string, string>();

/** A TypeScript entry and all it imports, as one CommonJS script, made once and kept. */
function bundled(entry: URL): string {
  let script = bundles.get(entry.href);
  if (script === undefined) {
    // Looked up when it runs, from the sources only: the built main bundle must not take esbuild in.
    const esbuild: typeof Esbuild = createRequire(import.meta.url)('esbuild');
    const { outputFiles } = esbuild.buildSync({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'error',
    });
    script = outputFiles[0]?.text;
    if (script === undefined) throw new Error(`esbuild made no bundle of ${entry.href}`);
    bundles.set(entry.href, script);
  }
  return script;
}
