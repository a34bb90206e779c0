import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../../shared/adapters/aws/dynamodb-document-store.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { localDynamoConfig } from '../../shared/composition/build-local-deps.ts';
import { verifyChain } from '../../shared/domain/hash-chain.ts';
import { nextVersion, type SettingsVersion } from '../../shared/domain/settings-version.ts';
import {
  type DocumentRef,
  type DocumentStore,
  VersionTakenError,
} from '../../shared/ports/document-store.ts';
import { InMemoryDocumentStore } from '../support/in-memory-document-store.ts';

interface Harness {
  name: string;
  start(): Promise<{ store: DocumentStore; stop(): Promise<void> }>;
}

const dynaliteHarness: Harness = {
  name: 'DynamoDbDocumentStore on dynalite',
  async start() {
    const dynalite: DynaliteHandle = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'contract');
    const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
    return {
      store: new DynamoDbDocumentStore({ tableName: 'contract', clientFor: () => client }),
      stop: async () => {
        client.destroy();
        await dynalite.close();
      },
    };
  },
};

const intent = (n: number) => ({
  author: 'ann',
  reason: `r${n}`,
  ticket: n % 2 ? 'OPS-1' : null,
  createdAt: new Date(n * 1000).toISOString(),
});

const inMemoryHarness: Harness = {
  name: 'InMemoryDocumentStore (test double)',
  start: async () => ({ store: new InMemoryDocumentStore(), stop: async () => undefined }),
};

describe.each([dynaliteHarness, inMemoryHarness])('DocumentStore contract: $name', (harness) => {
  let store: DocumentStore;
  let stop: () => Promise<void>;
  let n = 0;
  const ref = (): DocumentRef => ({ tenantId: 'acme', collection: 'settings', key: `envs/doc-${++n}` });

  beforeAll(async () => {
    ({ store, stop } = await harness.start());
  });
  afterAll(async () => stop());

  async function writeMany(r: DocumentRef, count: number): Promise<SettingsVersion[]> {
    const out: SettingsVersion[] = [];
    for (let i = 1; i <= count; i++) {
      const v = nextVersion(out.at(-1) ?? null, { i, nested: { list: [i, 'x'], empty: {} } }, intent(i));
      await store.append(r, v);
      out.push(v);
    }
    return out;
  }

  it('returns null for a document with no versions', async () => {
    const r = ref();
    expect(await store.latest(r)).toBeNull();
    expect(await store.get(r, 1)).toBeNull();
    expect(await store.list(r, { limit: 5 })).toEqual({ items: [], next: null });
  });

  it('stores every field of a version and reads it back unchanged', async () => {
    const r = ref();
    const [v1, v2] = await writeMany(r, 2);
    expect(await store.get(r, 1)).toEqual(v1);
    expect(await store.latest(r)).toEqual(v2);
  });

  it('refuses a second write of the same version number', async () => {
    const r = ref();
    const [v1] = await writeMany(r, 1);
    const rival = nextVersion(null, { other: true }, intent(9));
    await expect(store.append(r, rival)).rejects.toBeInstanceOf(VersionTakenError);
    expect(await store.latest(r)).toEqual(v1);
  });

  it('pages newest first with a continuation that ends', async () => {
    const r = ref();
    await writeMany(r, 5);
    const first = await store.list(r, { limit: 2, withContent: false });
    expect(first.items.map((v) => v.version)).toEqual([5, 4]);
    expect(first.next).toBe(4);
    const second = await store.list(r, { limit: 2, before: 4 });
    expect(second.items.map((v) => v.version)).toEqual([3, 2]);
    const last = await store.list(r, { limit: 2, before: 2 });
    expect(last.items.map((v) => v.version)).toEqual([1]);
    expect(last.next).toBeNull();
  });

  it('keeps documents of different tenants and keys apart', async () => {
    const a: DocumentRef = { tenantId: 'a', collection: 'settings', key: 'global' };
    const b: DocumentRef = { tenantId: 'b', collection: 'settings', key: 'global' };
    await store.append(a, nextVersion(null, { who: 'a' }, intent(1)));
    expect(await store.latest(b)).toBeNull();
    await store.append(b, nextVersion(null, { who: 'b' }, intent(1)));
    expect((await store.latest(a))?.content).toEqual({ who: 'a' });
  });

  it('keeps a large patch (stored compressed) intact', async () => {
    const r = ref();
    const big = Object.fromEntries(
      Array.from({ length: 4000 }, (_, i) => [`key-${i}`, `value-${i}-${'x'.repeat(20)}`]),
    );
    const v1 = nextVersion(null, big, intent(1));
    await store.append(r, v1);
    expect(await store.get(r, 1)).toEqual(v1);
  });

  it('a chain read back from the store verifies', async () => {
    const r = ref();
    await writeMany(r, 4);
    const page = await store.list(r, { limit: 10 });
    expect(verifyChain([...page.items].reverse())).toEqual({ ok: true, versions: 4 });
  });
});
