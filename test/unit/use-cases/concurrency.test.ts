import { describe, expect, it } from 'vitest';
import { nextVersion } from '../../../shared/domain/settings-version.ts';
import type { DocumentRef } from '../../../shared/ports/document-store.ts';
import { limitReads, READS_IN_FLIGHT } from '../../../shared/use-cases/concurrency/limit-reads.ts';
import { createLimiter, mapLimit } from '../../../shared/use-cases/concurrency/map-limit.ts';
import { DocumentCache } from '../../../shared/use-cases/effective/document-cache.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';

/** A task that counts how many of its kind run at once and finishes when the test lets it. */
function gauge() {
  let active = 0;
  let peak = 0;
  const pending: (() => void)[] = [];
  return {
    get peak() {
      return peak;
    },
    get waiting() {
      return pending.length;
    },
    /** Resolves the oldest running task. */
    finishOne() {
      pending.shift()?.();
    },
    run<T>(value: T): Promise<T> {
      active++;
      peak = Math.max(peak, active);
      return new Promise<T>((resolve) =>
        pending.push(() => {
          active--;
          resolve(value);
        }),
      );
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets every task finish, one at a time, until `done` resolves. */
async function drain(g: ReturnType<typeof gauge>, done: Promise<unknown>) {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    g.finishOne();
    await settle();
  }
}

describe('createLimiter', () => {
  it('runs at most `limit` tasks at once, starts the waiting ones in order, and frees a slot on failure', async () => {
    // Prepare
    const g = gauge();
    const run = createLimiter(3);
    const started: number[] = [];
    // Act
    const results = Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        run(() => {
          started.push(i);
          return i === 1 ? Promise.reject(new Error('boom')) : g.run(i);
        }),
      ),
    );
    await settle();
    const startedBeforeAnyFinished = [...started];
    await drain(g, results);
    const settled = await results;
    // Assess: task 1 failed at once and its slot went to task 3.
    expect(startedBeforeAnyFinished).toEqual([0, 1, 2, 3]);
    expect(g.peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(settled[1]).toMatchObject({ status: 'rejected' });
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(9);
  });

  it('refuses a limit that is not a positive integer', async () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    await expect(mapLimit([1], 1.5, async (x) => x)).rejects.toThrow(RangeError);
  });
});

describe('mapLimit', () => {
  it('keeps the order of the items and never runs more than `limit` calls at once', async () => {
    const g = gauge();
    const done = mapLimit([5, 4, 3, 2, 1, 0], 2, (item) => g.run(item * 10));
    await drain(g, done);
    expect(await done).toEqual([50, 40, 30, 20, 10, 0]);
    expect(g.peak).toBe(2);
  });

  it('starts no new call after one fails and rejects with that error', async () => {
    const calls: number[] = [];
    const done = mapLimit([0, 1, 2, 3, 4, 5], 2, async (item) => {
      calls.push(item);
      if (item === 1) throw new Error('item 1 failed');
      return item;
    });
    await expect(done).rejects.toThrow('item 1 failed');
    await settle();
    expect(calls.length).toBeLessThan(6);
  });
});

describe('limitReads', () => {
  it(`keeps a document cache reading 200 documents to ${READS_IN_FLIGHT} store reads in flight`, async () => {
    // Prepare: a store whose reads wait until the test lets them finish.
    const g = gauge();
    const store = new InMemoryDocumentStore();
    const latest = store.latest.bind(store);
    store.latest = async (ref: DocumentRef) => g.run(await latest(ref));
    const cache = new DocumentCache(store, 'acme');
    // Act
    const done = Promise.all(Array.from({ length: 200 }, (_, i) => cache.get('settings', `envs/e${i}`)));
    await drain(g, done);
    // Assess
    expect(await done).toEqual(Array.from({ length: 200 }, () => null));
    expect(g.peak).toBe(READS_IN_FLIGHT);
  });

  it('shares one limit between caches built on the same limited store, and leaves writes alone', async () => {
    const g = gauge();
    const store = new InMemoryDocumentStore();
    const latest = store.latest.bind(store);
    store.latest = async (ref: DocumentRef) => g.run(await latest(ref));
    const limited = limitReads(store, 4);
    expect(limitReads(limited)).toBe(limited);
    const a = new DocumentCache(limited, 'acme');
    const b = new DocumentCache(limited, 'acme');
    const done = Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get('profiles', `p${i}`)));
    await settle();
    // While every read slot is taken, a write goes straight through.
    const ref = { tenantId: 'acme', collection: 'profiles', key: 'p0' };
    const first = nextVersion(
      null,
      {},
      { author: 'a', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' },
    );
    await limited.append(ref, first);
    expect(g.waiting).toBe(4);
    await drain(g, done);
    expect(g.peak).toBe(4);
    expect((await latest(ref))?.version).toBe(1);
  });
});
