import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxMessage } from '../../shared/adapters/local/outbox-notifier.ts';

/**
 * Polls `probe` every 10 ms until it answers something other than
 * `undefined`, and returns that. The generous 30 s bound only matters on a
 * very busy machine (background workflows); it is not a timing assertion.
 *
 * @example const request = await until(async () => ((await get(id)).status === 'applied' ? id : undefined));
 */
export async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}

/**
 * Every message the local runtime's outbox holds, oldest first.
 *
 * @example const links = (await readOutbox(rt.outboxDir)).find((m) => m.to === 'bob')?.links;
 */
export async function readOutbox(dir: string): Promise<OutboxMessage[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as OutboxMessage),
  );
}
