import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BLOCK } from './zip-thread-messages';

/**
 * A zip thread's memory: the blocks it fills for the zip writer, the scratch block it reads the
 * zip into, and the collection of the short-lived buffers it makes.
 */

/** A guard on the blocks a thread keeps; the pipeline's own bound keeps far fewer in circulation. */
const SPARE_BLOCKS = 16;
/** Bytes of short-lived buffers a thread makes between two (minor) collections of its garbage. */
const GARBAGE_EVERY = 4 << 20;

// All blocks have one size, BLOCK, and go round: the main thread gives each back once its bytes
// are in the zip, and it is used again; none is ever freed. Blocks of many sizes, allocated and
// dropped, leave their memory in this thread's malloc arena, where it stays: measured, 60 MB
// resident per worker on the synthetic CRM folder at scale 10.
const spare: ArrayBuffer[] = [];

/** A view of `size` bytes at the start of a block. */
export function blockOf(size: number): Buffer<ArrayBuffer> {
  if (size > BLOCK) throw new Error(`a batch of ${size} bytes does not fit in a block`);
  return Buffer.from(spare.pop() ?? new ArrayBuffer(BLOCK), 0, size);
}

export function giveBack(block: ArrayBuffer): void {
  if (block.byteLength === BLOCK && spare.length < SPARE_BLOCKS) spare.push(block);
}

// A block for this thread's own use (reading the zip, hashing), kept between requests.
let scratch: Buffer | null = null;

export function scratchOf(size: number): Buffer {
  if (!scratch || scratch.length < size) scratch = Buffer.from(new ArrayBuffer(Math.max(size, BLOCK)));
  return scratch.subarray(0, size);
}

// What a thread allocates is mostly buffers (deflated and inflated data) that die at once. V8
// frees a buffer's memory only when it collects the small object that holds it, and a thread
// makes few objects: with nothing else to set a collection off, each thread held some 30 MB of
// dead buffers (measured: 155 MB for two threads preparing the benchmark's folder, 112 MB with
// this). So a thread asks for a minor collection after every GARBAGE_EVERY bytes of buffers it
// made; a collection of a heap this small takes well under a millisecond.

type Collect = (options?: { type: 'minor' | 'major' }) => void;

/** V8's gc(), which --expose-gc puts in the global scope of contexts made after it is set. */
function exposeCollect(): Collect | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (options) => gc(options) : null;
  } catch {
    return null;
  }
}

const collect = exposeCollect();
let made = 0;

export function madeGarbage(bytes: number): void {
  made += bytes;
  if (collect && made >= GARBAGE_EVERY) {
    made = 0;
    collect({ type: 'minor' });
  }
}

/**
 * A listing is the one large heap a thread builds, and it lives long enough to reach the old
 * generation, which minor collections leave alone: once it is sent, collect it all.
 */
export function collectAll(): void {
  collect?.();
}
