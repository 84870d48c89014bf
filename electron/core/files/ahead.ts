export interface AheadLimits<T> {
  /** At most this many items in flight (started and not yet taken by the consumer). */
  maxItems: number;
  /** At most this many bytes in flight, by `cost`; one item is always let through, however big. */
  maxBytes?: number;
  cost?: (item: T) => number;
}

/**
 * Runs `work` over `items` ahead of the consumer, with bounded concurrency and memory, and
 * yields the results in the items' order. A failure surfaces when the consumer reaches that
 * item, so the first failure in order is the one reported; work already started for later
 * items finishes in the background and is dropped.
 */
export async function* inOrder<T, R>(
  items: Iterable<T>,
  limits: AheadLimits<T>,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const cost = limits.cost ?? (() => 0);
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const iterator = items[Symbol.iterator]();
  const queue: { promise: Promise<R>; cost: number }[] = [];
  let bytes = 0;
  let waiting: IteratorResult<T> | null = null;
  let done = false;

  const fill = () => {
    while (!done && queue.length < limits.maxItems) {
      const next = waiting ?? iterator.next();
      waiting = null;
      if (next.done) {
        done = true;
        break;
      }
      const c = cost(next.value);
      if (queue.length > 0 && bytes + c > maxBytes) {
        waiting = next;
        break;
      }
      bytes += c;
      const promise = work(next.value);
      promise.catch(() => undefined);
      queue.push({ promise, cost: c });
    }
  };

  fill();
  while (queue.length > 0) {
    const head = queue[0];
    if (!head) break;
    const value = await head.promise;
    queue.shift();
    bytes -= head.cost;
    fill();
    yield value;
  }
}
