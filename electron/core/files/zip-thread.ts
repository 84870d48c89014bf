import { openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { serveZipThread } from './zip-thread-serve';

/**
 * The entry file of a zip thread, which ZipWorkers starts (zip-workers.ts; threads.ts says how it
 * is found). Source files are opened as they are.
 */
if (!parentPort) throw new Error('zip-thread runs as a worker thread: ZipWorkers starts it');
serveZipThread(parentPort, (file) => openSync(file, 'r'));
