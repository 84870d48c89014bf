import type { HashReply, HashRequest } from './hash-thread-messages';
import { startThread, threadEntry } from './threads';

/**
 * SHA-256 on a worker thread (hash-thread.ts), so that hashing a whole zip (hundreds of
 * megabytes) runs beside the work of the main thread instead of in its way.
 *
 * Two uses: `update`/`digest` for bytes the main thread has anyway (the zip as it is written),
 * passed in a few reused 2 MiB blocks that go to the worker and come back; and `hashFile` for a
 * file the worker reads itself (the zip, checked while the main thread checks its entries).
 */

const BLOCK = 2 << 20;
const BLOCKS = 4;

export class HashWorker {
  private readonly worker = startThread(threadEntry('hash-thread'));
  private readonly idle: ArrayBuffer[] = [];
  private current: Buffer<ArrayBuffer> | null = null;
  private filled = 0;
  private blocks = 0;
  private blockWaiters: (() => void)[] = [];
  private replyWaiters: { resolve: (hex: string) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor() {
    this.worker.on('message', (m: HashReply) => {
      if (m.type === 'ack') {
        this.idle.push(m.block);
        this.blockWaiters.shift()?.();
      } else if (m.type === 'digest') {
        this.replyWaiters.shift()?.resolve(m.hex);
      } else {
        this.replyWaiters.shift()?.reject(Object.assign(new Error(m.message), { code: m.code }));
      }
    });
    this.worker.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const w of this.replyWaiters.splice(0)) w.reject(err);
    for (const w of this.blockWaiters.splice(0)) w();
  }

  private async block(): Promise<Buffer<ArrayBuffer>> {
    for (;;) {
      if (this.failure) throw this.failure;
      const ab = this.idle.pop();
      if (ab) return Buffer.from(ab);
      if (this.blocks < BLOCKS) {
        this.blocks++;
        return Buffer.from(new ArrayBuffer(BLOCK));
      }
      await new Promise<void>((resolve) => this.blockWaiters.push(resolve));
    }
  }

  private post(): void {
    if (!this.current || this.filled === 0) return;
    const block = this.current.buffer;
    this.send({ type: 'data', block, length: this.filled }, [block]);
    this.current = null;
    this.filled = 0;
  }

  /** Adds bytes to the running hash (copied: the caller keeps its buffers). Waits only when the worker is behind by BLOCKS blocks. */
  async update(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      let at = 0;
      while (at < chunk.length) {
        this.current ??= await this.block();
        const n = chunk.copy(this.current, this.filled, at);
        this.filled += n;
        at += n;
        if (this.filled === this.current.length) this.post();
      }
    }
  }

  private send(message: HashRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private ask(message: HashRequest): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replyWaiters.push({ resolve, reject });
      this.send(message);
    });
  }

  /** The hex SHA-256 of everything passed to `update` since the last digest. */
  digest(): Promise<string> {
    this.post();
    return this.ask({ type: 'digest' });
  }

  /** The hex SHA-256 of a file, read by the worker. */
  hashFile(file: string): Promise<string> {
    return this.ask({ type: 'file', path: file });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
