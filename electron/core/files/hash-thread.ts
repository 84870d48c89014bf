import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-thread-messages';

/** The entry file of HashWorker's thread (hash-worker.ts; threads.ts says how it is found). */

const READ_BLOCK = 4 << 20;

function digestOfFile(file: string): string {
  const sha = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BLOCK);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      sha.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return sha.digest('hex');
}

const port = parentPort;
if (!port) throw new Error('hash-thread runs as a worker thread: HashWorker starts it');
const reply = (message: HashReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let running = createHash('sha256');
port.on('message', (m: HashRequest) => {
  try {
    if (m.type === 'data') {
      running.update(new Uint8Array(m.block, 0, m.length));
      reply({ type: 'ack', block: m.block }, [m.block]);
    } else if (m.type === 'digest') {
      reply({ type: 'digest', hex: running.digest('hex') });
      running = createHash('sha256');
    } else {
      reply({ type: 'digest', hex: digestOfFile(m.path) });
    }
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
    reply({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      ...(code ? { code } : {}),
    });
  }
});
