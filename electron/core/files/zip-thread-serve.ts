import type { MessagePort } from 'node:worker_threads';
import { check, extract } from './zip-thread-entries';
import { dirs, hash, list } from './zip-thread-folder';
import { failure } from './zip-thread-io';
import { collectAll, giveBack } from './zip-thread-memory';
import type { ZipAnswer, ZipMessage, ZipReply, ZipRequest } from './zip-thread-messages';
import { type OpenSource, forget, piece, prepare } from './zip-thread-source';

/**
 * A zip thread's loop: requests are answered one at a time, in the order they came, each with
 * synchronous calls (a thread has nothing else to do); a block in a reply is transferred, not
 * copied. The entry file (zip-thread.ts, or a test's) says how source files are opened.
 */

async function answer(request: ZipRequest, open: OpenSource): Promise<ZipReply> {
  switch (request.op) {
    case 'prepare':
      return prepare(request, open);
    case 'piece':
      return piece(request, open);
    case 'forget':
      return forget(request);
    case 'check':
      return check(request);
    case 'extract':
      return extract(request);
    case 'list':
      return list(request);
    case 'dirs':
      return dirs(request);
    case 'hash':
      return hash(request);
  }
}

export function serveZipThread(port: MessagePort, open: OpenSource): void {
  let queue = Promise.resolve();
  port.on('message', (message: ZipMessage) => {
    if (message.kind === 'recycle') {
      giveBack(message.block);
      return;
    }
    queue = queue.then(async () => {
      const reply = await answer(message.request, open).catch((err: unknown): ZipReply => ({
        op: 'failed',
        error: failure(err).error,
      }));
      const out: ZipAnswer = { id: message.id, reply };
      port.postMessage(out, 'block' in reply ? [reply.block] : []);
      if (reply.op === 'list') collectAll();
    });
  });
}
