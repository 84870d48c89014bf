/** What HashWorker (hash-worker.ts) and its thread (hash-thread.ts) say to each other. */

export type HashRequest =
  /** `length` bytes of `block` for the running hash; the block comes back in the ack. */
  | { type: 'data'; block: ArrayBuffer; length: number }
  /** The running hash's digest, and a new running hash. */
  | { type: 'digest' }
  /** The digest of a file, read by the thread. */
  | { type: 'file'; path: string };

export type HashReply =
  | { type: 'ack'; block: ArrayBuffer }
  | { type: 'digest'; hex: string }
  | { type: 'error'; message: string; code?: string };
