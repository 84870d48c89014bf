import { Worker } from 'node:worker_threads';

/**
 * SHA-256 on a worker thread, so that hashing a whole zip (hundreds of megabytes) runs beside
 * the work of the main thread instead of in its way. The worker is a few lines of plain
 * JavaScript evaluated from a string: nothing to bundle or to find on disk.
 *
 * Two uses: `update`/`digest` for bytes the main thread has anyway (the zip as it is written),
 * passed in a few reused 2 MiB blocks that go to the worker and come back; and `hashFile` for a
 * file the worker reads itself (the zip, checked while the main thread checks its entries).
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
let h = createHash('sha256');
parentPort.on('message', (m) => {
  try {
    if (m.type === 'data') {
      h.update(new Uint8Array(m.buf, 0, m.len));
      parentPort.postMessage({ type: 'ack', buf: m.buf }, [m.buf]);
    } else if (m.type === 'digest') {
      parentPort.postMessage({ type: 'digest', hex: h.digest('hex') });
      h = createHash('sha256');
    } else if (m.type === 'file') {
      const f = createHash('sha256');
      const fd = fs.openSync(m.path, 'r');
      try {
        const buf = Buffer.allocUnsafe(4 << 20);
        let n;
        while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) f.update(buf.subarray(0, n));
      } finally {
        fs.closeSync(fd);
      }
      parentPort.postMessage({ type: 'digest', hex: f.digest('hex') });
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err), code: err && err.code });
  }
});
`;

const BLOCK = 2 << 20;
const BLOCKS = 4;

type Reply =
  | { type: 'ack'; buf: ArrayBuffer }
  | { type: 'digest'; hex: string }
  | { type: 'error'; message: string; code?: string };

export class HashWorker {
  private readonly worker = new Worker(SOURCE, { eval: true });
  private readonly idle: ArrayBuffer[] = [];
  private current: Buffer | null = null;
  private filled = 0;
  private blocks = 0;
  private blockWaiters: (() => void)[] = [];
  private replyWaiters: { resolve: (hex: string) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor() {
    this.worker.on('message', (m: Reply) => {
      if (m.type === 'ack') {
        this.idle.push(m.buf);
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

  private async block(): Promise<Buffer> {
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
    const ab = this.current.buffer as ArrayBuffer;
    this.worker.postMessage({ type: 'data', buf: ab, len: this.filled }, [ab]);
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

  private ask(message: object): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replyWaiters.push({ resolve, reject });
      this.worker.postMessage(message);
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
