import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, type DynamoMiddleware } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../../shared/adapters/aws/dynamodb-document-store.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { localDynamoConfig } from '../../shared/composition/build-local-deps.ts';
import { ServiceUnavailableError } from '../../shared/domain/errors.ts';
import { nextVersion } from '../../shared/domain/settings-version.ts';
import {
  ANNOUNCEMENT_SETTLE_MS,
  type DocumentRef,
  type DocumentStore,
  VersionTakenError,
} from '../../shared/ports/document-store.ts';
import { InMemoryDocumentStore } from '../support/in-memory-document-store.ts';

/** Two stores over one table, as two processes (two warm Lambdas) over one DynamoDB table. */
interface Pair {
  a: DocumentStore;
  b: DocumentStore;
  /** Moves the clock of both stores forward. */
  advance(ms: number): void;
  /** While on, an append of store `a` writes its version and nothing after it (a crash right after the version put). */
  crashAfterVersion(on: boolean): void;
  /** While on, every version put of store `a` fails. */
  failVersionPuts(on: boolean): void;
  /**
   * While on, a version put of store `a` fails after the rest of its round
   * (projection update, change item) was sent, and store `a` then sends
   * nothing more (its process died before taking the write back).
   */
  dieAfterFailedVersionPut(on: boolean): void;
  /** A store over the same table with no copy of the projection (a fresh process). */
  fresh(): DocumentStore;
  /** Full reads of the projection store `b` made so far (a Query of the projection partition), when the adapter has any. */
  fullReads(): number | undefined;
  stop(): Promise<void>;
}

interface Harness {
  name: string;
  start(): Promise<Pair>;
}

/** The collections a wide write reads whole (the tenant's copy holds them). */
const WIDE = ['settings', 'profiles'];

const dynaliteHarness: Harness = {
  name: 'DynamoDbDocumentStore on dynalite',
  async start() {
    const dynalite: DynaliteHandle = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'refresh');
    let now = Date.now();
    let crashing = false;
    let failingVersions = false;
    let dying = false;
    let dead = false;
    let projectionQueries = 0;
    // Why middlewares: the crash must hit exactly what an append sends after its version put.
    const faults: DynamoMiddleware = {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            const input = args.input as {
              Key?: { pk?: unknown; sk?: unknown };
              Item?: { sk?: unknown };
              UpdateExpression?: string;
            };
            const projects =
              String(input.Key?.pk ?? '').endsWith('#!latest') &&
              (input.UpdateExpression ?? '').startsWith('SET #version');
            const logsChange =
              String(input.Key?.pk ?? '').endsWith('#!changes') && String(input.Key?.sk).startsWith('c#');
            if (dead) throw Object.assign(new Error('injected: the process died'), { name: 'Died' });
            if (dying && String(input.Item?.sk ?? '').startsWith('v#')) {
              // Why the pause: the rest of the write's round (sent with the version put) goes out first.
              await new Promise((resolve) => setTimeout(resolve, 50));
              dead = true;
              throw Object.assign(new Error('injected failure of the version put'), { name: 'Rejected' });
            }
            if (failingVersions && String(input.Item?.sk ?? '').startsWith('v#'))
              throw Object.assign(new Error('injected failure of the version put'), { name: 'Rejected' });
            if (crashing && (projects || logsChange))
              throw Object.assign(new Error('injected crash after the version put'), { name: 'Crash' });
            return next(args);
          },
          { step: 'initialize', name: 'injectCrashAfterVersion' },
        );
      },
    };
    const counting: DynamoMiddleware = {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
            if (String(input.ExpressionAttributeValues?.[':pk'] ?? '').endsWith('#!latest'))
              projectionQueries++;
            return next(args);
          },
          { step: 'initialize', name: 'countProjectionQueries' },
        );
      },
    };
    const clientA = createDocumentClient(localDynamoConfig(dynalite.endpoint), [faults]);
    const clientB = createDocumentClient(localDynamoConfig(dynalite.endpoint), [counting]);
    const clock = () => now;
    return {
      a: new DynamoDbDocumentStore({ tableName: 'refresh', clientFor: () => clientA, now: clock }),
      b: new DynamoDbDocumentStore({ tableName: 'refresh', clientFor: () => clientB, now: clock }),
      advance: (ms) => {
        now += ms;
      },
      crashAfterVersion: (on) => {
        crashing = on;
      },
      failVersionPuts: (on) => {
        failingVersions = on;
      },
      dieAfterFailedVersionPut: (on) => {
        dying = on;
        dead = false;
      },
      fresh: () => new DynamoDbDocumentStore({ tableName: 'refresh', clientFor: () => clientB, now: clock }),
      fullReads: () => projectionQueries,
      stop: async () => {
        clientA.destroy();
        clientB.destroy();
        await dynalite.close();
      },
    };
  },
};

const inMemoryHarness: Harness = {
  name: 'InMemoryDocumentStore (test double)',
  async start() {
    let now = Date.now();
    const clock = () => now;
    const a = new InMemoryDocumentStore({ now: clock });
    return {
      a,
      b: new InMemoryDocumentStore({ shares: a, now: clock }),
      advance: (ms) => {
        now += ms;
      },
      crashAfterVersion: (on) => {
        a.crashBeforeProjection = on;
      },
      failVersionPuts: (on) => {
        a.failVersionPuts = on;
      },
      dieAfterFailedVersionPut: (on) => {
        a.dieAfterFailedVersionPut = on;
      },
      fresh: () => new InMemoryDocumentStore({ shares: a, now: clock }),
      fullReads: () => undefined,
      stop: async () => undefined,
    };
  },
};

const intent = { author: 'ann', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' };

/** Appends the next version of `ref` through `store`, retrying when a rival took the number. */
async function write(
  store: DocumentStore,
  ref: DocumentRef,
  content: Record<string, number>,
): Promise<number> {
  for (;;) {
    const next = nextVersion(await store.latest(ref), content, intent);
    try {
      await store.append(ref, next);
      return next.version;
    } catch (error) {
      if (!(error instanceof VersionTakenError)) throw error;
    }
  }
}

/** `[key, version, content]` of every document a read answers. */
const summary = (docs: Awaited<ReturnType<DocumentStore['latestAll']>>) =>
  docs.map((d) => [d.collection, d.key, d.version, d.content]);

describe.each([dynaliteHarness, inMemoryHarness])(
  'DocumentStore incremental refresh contract: $name',
  (harness) => {
    let pair: Pair;

    beforeAll(async () => {
      pair = await harness.start();
    });
    afterAll(async () => pair.stop());

    it('answers, in a warm store, the writes another store made since its last read, without reading the tenant whole again', async () => {
      // Prepare: b has read the tenant once (its copy is warm)
      const tenantId = 'seen';
      await write(pair.a, { tenantId, collection: 'settings', key: 'global' }, { n: 1 });
      await pair.b.latestAll(tenantId, WIDE);
      const before = pair.fullReads();
      // Act
      await write(pair.a, { tenantId, collection: 'settings', key: 'global' }, { n: 2 });
      await write(pair.a, { tenantId, collection: 'profiles', key: 'web' }, { cpu: 1 });
      const read = await pair.b.latestAll(tenantId, WIDE);
      // Assess
      expect(summary(read)).toEqual([
        ['profiles', 'web', 1, { cpu: 1 }],
        ['settings', 'global', 2, { n: 2 }],
      ]);
      if (before !== undefined) expect(pair.fullReads()).toBe(before);
    });

    it('answers the version of a write that crashed after its version put once its number has outlived any write, reading the tenant whole once', async () => {
      // Prepare
      const tenantId = 'crashed';
      const ref = { tenantId, collection: 'settings', key: 'envs/dev' };
      await write(pair.a, ref, { n: 1 });
      await pair.b.latestAll(tenantId, WIDE);
      pair.crashAfterVersion(true);
      await write(pair.a, ref, { n: 2 });
      pair.crashAfterVersion(false);
      const during = await pair.b.latestAll(tenantId, WIDE);
      // Act
      pair.advance(ANNOUNCEMENT_SETTLE_MS + 1000);
      const before = pair.fullReads();
      const after = await pair.b.latestAll(tenantId, WIDE);
      const next = await pair.b.latestAll(tenantId, WIDE);
      // Assess: while the write may still be in flight, either version; once settled, the new one
      expect([1, 2]).toContain(during[0]?.version);
      expect(summary(after)).toEqual([['settings', 'envs/dev', 2, { n: 2 }]]);
      expect(summary(next)).toEqual(summary(after));
      if (before !== undefined) expect(pair.fullReads()).toBe(before + 1);
    });

    it('answers every landed write while a number handed out is never used, and stops waiting for it once it has outlived any write', async () => {
      // Prepare: a write that announced itself (took a number) and then died before writing anything
      const tenantId = 'gap';
      await write(pair.a, { tenantId, collection: 'settings', key: 'global' }, { n: 1 });
      await pair.b.latestAll(tenantId, WIDE);
      await pair.a.announce({ tenantId, collection: 'settings', key: 'envs/ghost' });
      await write(pair.a, { tenantId, collection: 'profiles', key: 'web' }, { cpu: 2 });
      const beforeGap = pair.fullReads();
      // Act
      const young = await pair.b.latestAll(tenantId, WIDE);
      pair.advance(ANNOUNCEMENT_SETTLE_MS + 1000);
      const old = await pair.b.latestAll(tenantId, WIDE);
      const afterExpiry = pair.fullReads();
      const later = await pair.b.latestAll(tenantId, WIDE);
      // Assess
      const expected = [
        ['profiles', 'web', 1, { cpu: 2 }],
        ['settings', 'global', 1, { n: 1 }],
      ];
      expect(summary(young)).toEqual(expected);
      expect(summary(old)).toEqual(expected);
      expect(summary(later)).toEqual(expected);
      if (beforeGap !== undefined) {
        expect(afterExpiry).toBe(beforeGap + 1);
        expect(pair.fullReads()).toBe(afterExpiry);
      }
    });

    it('drops from a warm copy the content of a write whose version put failed after its change landed', async () => {
      // Prepare
      const tenantId = 'failed';
      const ref = { tenantId, collection: 'profiles', key: 'web' };
      await write(pair.a, ref, { cpu: 1 });
      await pair.b.latestAll(tenantId, WIDE);
      pair.failVersionPuts(true);
      const outcome = await pair.a
        .append(ref, nextVersion(await pair.a.latest(ref), { cpu: 99 }, intent))
        .then(
          () => 'written',
          () => 'failed',
        );
      pair.failVersionPuts(false);
      // Act
      const read = await pair.b.latestAll(tenantId, WIDE);
      // Assess
      expect(outcome).toBe('failed');
      expect(summary(read)).toEqual([['profiles', 'web', 1, { cpu: 1 }]]);
    });

    it("keeps no failed write's content in a copy started by a write that read its own document unchecked", async () => {
      // Prepare: a's write of v2 fails its version put after the rest of its round went out; a dies
      const tenantId = 'unchecked';
      const ref = { tenantId, collection: 'profiles', key: 'web' };
      await write(pair.a, ref, { cpu: 1 });
      await write(pair.a, { tenantId, collection: 'settings', key: 'global' }, { g: 1 });
      pair.dieAfterFailedVersionPut(true);
      await pair.a
        .append(ref, nextVersion(await pair.a.latest(ref), { cpu: 99 }, intent))
        .catch(() => undefined);
      pair.dieAfterFailedVersionPut(false);
      const b = pair.fresh();

      // Act: b's first request writes profiles/web (reading it unchecked) and is refused
      const announced = await b.announce(ref);
      await b.latestAll(tenantId, WIDE, { unchecked: [{ collection: 'profiles', key: 'web' }] });
      await b.withdraw(ref, announced);
      pair.advance(1000);
      const soon = await b.latestAll(tenantId, WIDE);
      pair.advance(3_600_000);
      const later = await b.latestAll(tenantId, WIDE);

      // Assess
      expect(summary(soon)).toContainEqual(['profiles', 'web', 1, { cpu: 1 }]);
      expect(summary(later)).toContainEqual(['profiles', 'web', 1, { cpu: 1 }]);
    });

    it('never answers, warm or cold, the content of a write whose version put failed and whose process died before taking it back', async () => {
      // Prepare: b holds a warm copy; a's write of version 2 fails its version put, then a dies
      const tenantId = 'died';
      const ref = { tenantId, collection: 'profiles', key: 'web' };
      await write(pair.a, ref, { cpu: 1 });
      await pair.b.latestAll(tenantId, WIDE);
      const failing = nextVersion(await pair.a.latest(ref), { cpu: 99 }, intent);
      pair.dieAfterFailedVersionPut(true);
      const outcome = await pair.a.append(ref, failing).then(
        () => 'written',
        () => 'failed',
      );
      pair.dieAfterFailedVersionPut(false);
      // Act: while the failed write is young, then once it is old; warm, cold, and one collection alone
      const reads = [
        await pair.b.latestAll(tenantId, WIDE),
        await pair.fresh().latestAll(tenantId, WIDE),
        await pair.fresh().latestAll(tenantId, ['profiles']),
      ];
      pair.advance(ANNOUNCEMENT_SETTLE_MS + 1000);
      reads.push(
        await pair.b.latestAll(tenantId, WIDE),
        await pair.fresh().latestAll(tenantId, WIDE),
        await pair.fresh().latestAll(tenantId, ['profiles']),
      );
      // Assess
      expect(outcome).toBe('failed');
      expect(await pair.b.latest(ref)).toMatchObject({ version: 1, content: { cpu: 1 } });
      for (const read of reads) expect(summary(read)).toEqual([['profiles', 'web', 1, { cpu: 1 }]]);
    });

    it('ends, in both warm copies, at every document latest version when writers on both stores interleave', async () => {
      // Prepare
      const tenantId = 'interleaved';
      const refs = Array.from({ length: 12 }, (_, i) => ({
        tenantId,
        collection: 'settings',
        key: `envs/e${i}`,
      }));
      await pair.a.latestAll(tenantId, WIDE);
      await pair.b.latestAll(tenantId, WIDE);
      // Act: each store writes every document three times, reading between rounds
      const reads: Awaited<ReturnType<DocumentStore['latestAll']>>[] = [];
      await Promise.all(
        [pair.a, pair.b].map(async (store) => {
          for (let round = 1; round <= 3; round++) {
            await Promise.all(refs.map((ref) => write(store, ref, { round })));
            reads.push(await store.latestAll(tenantId, WIDE));
          }
        }),
      );
      const [fromA, fromB] = await Promise.all([
        pair.a.latestAll(tenantId, WIDE),
        pair.b.latestAll(tenantId, WIDE),
      ]);
      // Assess: no read goes back or invents content; both copies end at the versions stored
      const latest = await Promise.all(refs.map((ref) => pair.a.latest(ref)));
      const expected = refs.map((ref, i) => ['settings', ref.key, latest[i]?.version, latest[i]?.content]);
      expect(summary(fromA)).toEqual(expected.sort((x, y) => String(x[1]).localeCompare(String(y[1]))));
      expect(summary(fromB)).toEqual(summary(fromA));
      for (const read of reads)
        for (const doc of read) expect(doc.content).toEqual({ round: expect.any(Number) });
      expect(latest.every((v) => v?.version === 6)).toBe(true);
    });
  },
);

describe('DynamoDbDocumentStore when a write cannot reach the change log', () => {
  it('answers an acknowledged write in the process that made it, and in others once a recheck or the gap says so', async () => {
    // Prepare: two stores over one table; every change-log item of store a fails while on
    const dynalite = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'nolog');
    let failing = false;
    const noLog: DynamoMiddleware = {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            const key = (args.input as { Key?: { sk?: unknown } }).Key;
            if (failing && String(key?.sk ?? '').startsWith('c#'))
              throw Object.assign(new Error('injected change-log failure'), { name: 'Rejected' });
            return next(args);
          },
          { step: 'initialize', name: 'failChangeLog' },
        );
      },
    };
    const clientA = createDocumentClient(localDynamoConfig(dynalite.endpoint), [noLog]);
    const clientB = createDocumentClient(localDynamoConfig(dynalite.endpoint));
    let now = Date.now();
    const clock = () => now;
    const a = new DynamoDbDocumentStore({ tableName: 'nolog', clientFor: () => clientA, now: clock });
    const b = new DynamoDbDocumentStore({ tableName: 'nolog', clientFor: () => clientB, now: clock });
    const ref = { tenantId: 'nolog', collection: 'profiles', key: 'web' };
    try {
      await write(a, ref, { cpu: 1 });
      await write(a, { tenantId: 'nolog', collection: 'settings', key: 'global' }, { g: 1 });
      await a.latestAll('nolog', WIDE);
      await b.latestAll('nolog', WIDE);

      // Act
      failing = true;
      await a.append(ref, nextVersion(await a.latest(ref), { cpu: 2 }, intent));
      failing = false;
      const own = await a.latestAll('nolog', WIDE);
      now += ANNOUNCEMENT_SETTLE_MS + 1000;
      const other = await b.latestAll('nolog', WIDE);

      // Assess
      expect(summary(own)).toContainEqual(['profiles', 'web', 2, { cpu: 2 }]);
      expect(summary(other)).toContainEqual(['profiles', 'web', 2, { cpu: 2 }]);
    } finally {
      clientA.destroy();
      clientB.destroy();
      await dynalite.close();
    }
  });
});

describe('DynamoDbDocumentStore when confirmations are throttled', () => {
  it('answers 503 after a bounded number of BatchGetItem requests rather than loop or drop a landed change', async () => {
    // Prepare: store b's BatchGetItem answers every key unprocessed (throttling)
    const dynalite = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'throttled');
    let batchGets = 0;
    const throttle: DynamoMiddleware = {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            const input = args.input as { RequestItems?: Record<string, { Keys: unknown[] }> };
            if (!input.RequestItems || !('Keys' in (input.RequestItems.throttled ?? {}))) return next(args);
            batchGets++;
            return {
              response: {},
              output: { Responses: { throttled: [] }, UnprocessedKeys: input.RequestItems, $metadata: {} },
            } as never;
          },
          { step: 'initialize', name: 'throttleBatchGet' },
        );
      },
    };
    const clientA = createDocumentClient(localDynamoConfig(dynalite.endpoint));
    const clientB = createDocumentClient(localDynamoConfig(dynalite.endpoint), [throttle]);
    const a = new DynamoDbDocumentStore({ tableName: 'throttled', clientFor: () => clientA });
    const b = new DynamoDbDocumentStore({ tableName: 'throttled', clientFor: () => clientB });
    try {
      await write(a, { tenantId: 'busy', collection: 'settings', key: 'global' }, { n: 1 });
      await b.latestAll('busy', WIDE);
      await write(a, { tenantId: 'busy', collection: 'settings', key: 'global' }, { n: 2 });

      // Act
      const read = await b.latestAll('busy', WIDE).then(
        () => 'answered',
        (error: unknown) => (error instanceof ServiceUnavailableError ? '503' : String(error)),
      );

      // Assess
      expect(read).toBe('503');
      expect(batchGets).toBeGreaterThan(0);
      expect(batchGets).toBeLessThanOrEqual(5);
    } finally {
      clientA.destroy();
      clientB.destroy();
      await dynalite.close();
    }
  });
});
