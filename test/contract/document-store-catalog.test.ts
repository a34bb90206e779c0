import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../../shared/adapters/aws/dynamodb-document-store.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { localDynamoConfig } from '../../shared/composition/build-local-deps.ts';
import { nextVersion } from '../../shared/domain/settings-version.ts';
import type { DocumentRef, DocumentStore } from '../../shared/ports/document-store.ts';
import { InMemoryDocumentStore } from '../support/in-memory-document-store.ts';

interface Harness {
  name: string;
  start(): Promise<{ store: DocumentStore; stop(): Promise<void> }>;
}

const harnesses: Harness[] = [
  {
    name: 'DynamoDbDocumentStore on dynalite',
    async start() {
      const dynalite: DynaliteHandle = await startDynalite();
      await ensureTable(localDynamoConfig(dynalite.endpoint), 'catalog');
      const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
      return {
        store: new DynamoDbDocumentStore({ tableName: 'catalog', clientFor: () => client }),
        stop: async () => {
          client.destroy();
          await dynalite.close();
        },
      };
    },
  },
  {
    name: 'InMemoryDocumentStore (test double)',
    start: async () => ({ store: new InMemoryDocumentStore(), stop: async () => undefined }),
  },
];

const intent = { author: 'ann', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' };

describe.each(harnesses)('DocumentStore.listKeys contract: $name', (harness) => {
  let store: DocumentStore;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ store, stop } = await harness.start());
  });
  afterAll(async () => stop());

  async function write(ref: DocumentRef, versions: number): Promise<void> {
    let previous = null;
    for (let i = 0; i < versions; i++) {
      const next = nextVersion(previous, { i }, intent);
      await store.append(ref, next);
      previous = next;
    }
  }

  it('lists every document of a collection once, sorted, and nothing of other collections or tenants', async () => {
    // Prepare
    await write({ tenantId: 'acme', collection: 'settings', key: 'global' }, 3);
    await write({ tenantId: 'acme', collection: 'settings', key: 'envs/dev/services/api' }, 1);
    await write({ tenantId: 'acme', collection: 'settings', key: 'envs/dev' }, 2);
    await write({ tenantId: 'acme', collection: 'profiles', key: 'minimal' }, 1);
    await write({ tenantId: 'acme-2', collection: 'settings', key: 'envs/other' }, 1);
    // Act
    const keys = await store.listKeys('acme', 'settings');
    // Assess
    expect(keys).toEqual(['envs/dev', 'envs/dev/services/api', 'global']);
    expect(await store.listKeys('acme', 'profiles')).toEqual(['minimal']);
    expect(await store.listKeys('acme-2', 'settings')).toEqual(['envs/other']);
    expect(await store.listKeys('nobody', 'settings')).toEqual([]);
  });

  it('lists only the keys that start with a prefix', async () => {
    // Prepare
    await write({ tenantId: 'prefixed', collection: 'settings', key: 'envs/dev/services/api' }, 1);
    await write(
      { tenantId: 'prefixed', collection: 'settings', key: 'envs/dev/services/api/instances/i-1' },
      1,
    );
    await write({ tenantId: 'prefixed', collection: 'settings', key: 'envs/dev/services/api2' }, 1);
    await write({ tenantId: 'prefixed', collection: 'settings', key: 'envs/dev' }, 1);
    // Act
    const below = await store.listKeys('prefixed', 'settings', { prefix: 'envs/dev/services/api/' });
    // Assess
    expect(below).toEqual(['envs/dev/services/api/instances/i-1']);
    expect(await store.listKeys('prefixed', 'settings', { prefix: 'envs/prod/' })).toEqual([]);
  });

  it('keeps validation warnings in the version record', async () => {
    const ref = { tenantId: 'acme', collection: 'settings', key: 'envs/warn' };
    const version = {
      ...nextVersion(null, { a: 1 }, intent),
      warnings: [{ pointer: '/a', rule: 'schema.unknown-key', message: 'unknown' }],
    };
    await store.append(ref, version);
    expect((await store.latest(ref))?.warnings).toEqual(version.warnings);
  });

  it('pages through many documents', async () => {
    const keys = Array.from({ length: 120 }, (_, i) => `envs/e-${String(i).padStart(3, '0')}`);
    await Promise.all(keys.map((key) => write({ tenantId: 'paged', collection: 'settings', key }, 1)));
    expect(await store.listKeys('paged', 'settings')).toEqual(keys);
  });
});
