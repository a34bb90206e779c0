/** Runs a task when a slot is free; at most `limit` tasks run at once, the rest wait in order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A limiter of `limit` tasks in flight (FIFO). A task that throws frees its
 * slot like one that succeeds.
 *
 * @example const run = createLimiter(16); const doc = await run(() => store.latest(ref));
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active++;
        Promise.resolve().then(task).then(resolve, reject).finally(release);
      };
      if (active < limit) start();
      else waiting.push(start);
    });
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping
 * the order of `items` in the result. After a failure no new call starts and
 * the first error is thrown (calls already running finish on their own).
 * Before each call a worker yields to the event loop: when `fn` finds all it
 * needs in memory it resolves through microtasks alone, and without the
 * yield a long map would hold the process (every tenant's requests) until
 * it ends.
 *
 * @example const docs = await mapLimit(keys, 8, (key) => cache.get('settings', key));
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
