import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, type DynamoMiddleware } from '../../shared/adapters/aws/dynamodb-clients.ts';
import {
  DynamoDbDocumentStore,
  projectionKey,
  projectionSortKey,
} from '../../shared/adapters/aws/dynamodb-document-store.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { localDynamoConfig } from '../../shared/composition/build-local-deps.ts';
import { nextVersion } from '../../shared/domain/settings-version.ts';
import {
  type DocumentRef,
  type DocumentStore,
  VersionTakenError,
} from '../../shared/ports/document-store.ts';
import { InMemoryDocumentStore } from '../support/in-memory-document-store.ts';

/** A store plus the two things the projection contract needs to look behind it. */
interface Subject {
  store: DocumentStore;
  /** While on, every append writes its version and never its projection item (a crash between the version put and the projection update). */
  crash(on: boolean): void;
  /** While on, every version put fails (after the projection update was sent, on DynamoDB). */
  failVersionPuts(on: boolean): void;
  /** The version the projection item holds, read without any repair. */
  projectedVersion(ref: DocumentRef): Promise<number | null>;
  stop(): Promise<void>;
}

interface Harness {
  name: string;
  start(): Promise<Subject>;
}

const dynaliteHarness: Harness = {
  name: 'DynamoDbDocumentStore on dynalite',
  async start() {
    const dynalite: DynaliteHandle = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'projection');
    let crashing = false;
    let failingVersions = false;
    // Why a middleware: the crash must hit exactly the projection put of an append, nothing else.
    const crash: DynamoMiddleware = {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            // The document client marshals its input in a later step: values are plain here.
            const input = args.input as { Key?: { pk?: unknown }; UpdateExpression?: string };
            const projects =
              String(input.Key?.pk ?? '').endsWith('#!latest') &&
              (input.UpdateExpression ?? '').startsWith('SET #version');
            const item = (args.input as { Item?: { sk?: unknown } }).Item;
            if (failingVersions && String(item?.sk ?? '').startsWith('v#'))
              throw Object.assign(new Error('injected failure of the version put'), { name: 'Rejected' });
            if (crashing && projects)
              throw Object.assign(new Error('injected crash before the projection put'), { name: 'Crash' });
            return next(args);
          },
          { step: 'initialize', name: 'injectProjectionCrash' },
        );
      },
    };
    const client = createDocumentClient(localDynamoConfig(dynalite.endpoint), [crash]);
    return {
      store: new DynamoDbDocumentStore({ tableName: 'projection', clientFor: () => client }),
      crash: (on) => {
        crashing = on;
      },
      failVersionPuts: (on) => {
        failingVersions = on;
      },
      projectedVersion: async (ref) => {
        const out = await client.send(
          new GetCommand({
            TableName: 'projection',
            Key: { pk: projectionKey(ref.tenantId), sk: projectionSortKey(ref.collection, ref.key) },
            ConsistentRead: true,
          }),
        );
        return out.Item?.version === undefined ? null : Number(out.Item.version);
      },
      stop: async () => {
        client.destroy();
        await dynalite.close();
      },
    };
  },
};

const inMemoryHarness: Harness = {
  name: 'InMemoryDocumentStore (test double)',
  async start() {
    const store = new InMemoryDocumentStore();
    return {
      store,
      crash: (on) => {
        store.crashBeforeProjection = on;
      },
      failVersionPuts: (on) => {
        store.failVersionPuts = on;
      },
      projectedVersion: async (ref) => store.projectedVersion(ref),
      stop: async () => undefined,
    };
  },
};

const intent = { author: 'ann', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' };

describe.each([dynaliteHarness, inMemoryHarness])('DocumentStore projection contract: $name', (harness) => {
  let subject: Subject;
  let store: DocumentStore;

  beforeAll(async () => {
    subject = await harness.start();
    store = subject.store;
  });
  afterAll(async () => subject.stop());

  /** Appends the next version of `ref` with `content`, re-reading and retrying when a rival took the number. */
  async function write(ref: DocumentRef, content: Record<string, number | string>): Promise<number> {
    for (;;) {
      const latest = await store.latest(ref);
      const next = nextVersion(latest, content, intent);
      try {
        await store.append(ref, next);
        return next.version;
      } catch (error) {
        if (!(error instanceof VersionTakenError)) throw error;
      }
    }
  }

  it('answers the latest version and content of every document of the requested collections, sorted, and nothing of other tenants', async () => {
    // Prepare
    const settings = (key: string) => ({ tenantId: 'list', collection: 'settings', key });
    await write(settings('global'), { n: 1 });
    await write(settings('global'), { n: 2 });
    await write(settings('envs/dev'), { n: 3 });
    await write({ tenantId: 'list', collection: 'profiles', key: 'small' }, { cpu: 1 });
    await write({ tenantId: 'list', collection: 'schemas', key: 'services/api' }, { s: 1 });
    await write({ tenantId: 'other', collection: 'settings', key: 'global' }, { n: 9 });
    // Act
    const both = await store.latestAll('list', ['settings', 'profiles']);
    const profiles = await store.latestAll('list', ['profiles']);
    // Assess
    expect(both.map((d) => [d.collection, d.key, d.version, d.content])).toEqual([
      ['profiles', 'small', 1, { cpu: 1 }],
      ['settings', 'envs/dev', 1, { n: 3 }],
      ['settings', 'global', 2, { n: 2 }],
    ]);
    expect(both[2]?.contentHash).toBe((await store.latest(settings('global')))?.contentHash);
    expect(profiles.map((d) => d.key)).toEqual(['small']);
    expect(await store.latestAll('nobody', ['settings'])).toEqual([]);
  });

  it('ends at every document latest version when many writers race on many documents', async () => {
    // Prepare
    const refs = Array.from({ length: 30 }, (_, i) => ({
      tenantId: 'race',
      collection: 'settings',
      key: `envs/e/services/s${String(i).padStart(2, '0')}`,
    }));
    // Act: three writers per document, three writes each, all at once
    await Promise.all(
      refs.flatMap((ref) =>
        [1, 2, 3].map(async (writer) => {
          for (let i = 0; i < 3; i++) await write(ref, { writer, i });
        }),
      ),
    );
    const projected = await store.latestAll('race', ['settings']);
    // Assess
    expect(projected).toHaveLength(refs.length);
    for (const [i, ref] of refs.entries()) {
      const latest = await store.latest(ref);
      expect(latest?.version).toBe(9);
      expect(projected[i]).toMatchObject({ key: ref.key, version: 9, content: latest?.content });
      expect(await subject.projectedVersion(ref)).toBe(9);
    }
  });

  it('answers the new version after a crash between the version put and the projection put, and repairs the projection', async () => {
    // Prepare
    const ref = { tenantId: 'crash', collection: 'settings', key: 'global' };
    await write(ref, { replicas: 1 });
    subject.crash(true);
    await write(ref, { replicas: 2 });
    subject.crash(false);
    const lagging = await subject.projectedVersion(ref);
    // Act
    const read = await store.latestAll('crash', ['settings']);
    // Assess
    expect(lagging).toBe(1);
    expect(read.map((d) => [d.key, d.version, d.content])).toEqual([['global', 2, { replicas: 2 }]]);
    expect(await subject.projectedVersion(ref)).toBe(2);
  });

  it('repairs a lagging projection on the next write of the document', async () => {
    // Prepare
    const ref = { tenantId: 'crash-write', collection: 'profiles', key: 'small' };
    await write(ref, { cpu: 1 });
    subject.crash(true);
    await write(ref, { cpu: 2 });
    subject.crash(false);
    // Act
    await write(ref, { cpu: 3 });
    // Assess
    expect(await subject.projectedVersion(ref)).toBe(3);
    expect((await store.latestAll('crash-write', ['profiles']))[0]).toMatchObject({
      version: 3,
      content: { cpu: 3 },
    });
  });

  it('answers the latest versions to every read made during a repair, while writes continue, and never goes back', async () => {
    // Prepare: ten documents whose projection lags one version behind
    const refs = Array.from({ length: 10 }, (_, i) => ({
      tenantId: 'repair',
      collection: 'settings',
      key: `envs/e${i}`,
    }));
    for (const ref of refs) await write(ref, { v: 1 });
    subject.crash(true);
    for (const ref of refs) await write(ref, { v: 2 });
    subject.crash(false);
    // Act: five readers repair at once while half of the documents get a third version
    const [reads] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => store.latestAll('repair', ['settings']))),
      Promise.all(refs.slice(0, 5).map((ref) => write(ref, { v: 3 }))),
    ]);
    const after = await store.latestAll('repair', ['settings']);
    // Assess: every read saw at least the version that existed when it began, with its content
    for (const read of reads) {
      expect(read).toHaveLength(10);
      for (const doc of read) {
        expect(doc.version).toBeGreaterThanOrEqual(2);
        expect(doc.content).toEqual({ v: doc.version });
      }
    }
    for (const [i, ref] of refs.entries()) {
      const expected = i < 5 ? 3 : 2;
      expect(after[i]).toMatchObject({ key: ref.key, version: expected, content: { v: expected } });
      expect(await subject.projectedVersion(ref)).toBe(expected);
    }
  });

  it('answers nothing for a first version whose put failed, whatever its projection update did', async () => {
    // Prepare
    const ref = { tenantId: 'phantom', collection: 'profiles', key: 'lost' };
    subject.failVersionPuts(true);
    const failed = await store.append(ref, nextVersion(null, { cpu: 1 }, intent)).then(
      () => 'written',
      () => 'failed',
    );
    subject.failVersionPuts(false);
    // Act
    const read = await store.latestAll('phantom', ['profiles']);
    // Assess
    expect(failed).toBe('failed');
    expect(await store.latest(ref)).toBeNull();
    expect(read).toEqual([]);
  });

  it('answers nothing for a document that was announced but never written', async () => {
    // Prepare
    const ref = { tenantId: 'announced', collection: 'settings', key: 'envs/ghost' };
    await store.announce(ref);
    // Act
    const read = await store.latestAll('announced', ['settings']);
    // Assess
    expect(read).toEqual([]);
    expect(await subject.projectedVersion(ref)).toBeNull();
  });
});

describe('DynamoDbDocumentStore projection of data written before it existed', () => {
  it('builds a collection from its versions on first read, once', async () => {
    // Prepare: documents written, then their projection items removed (as before issue 11)
    const dynalite = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'legacy');
    const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
    try {
      const store = new DynamoDbDocumentStore({ tableName: 'legacy', clientFor: () => client });
      for (const key of ['global', 'envs/dev', 'envs/dev/services/api']) {
        const ref = { tenantId: 'old', collection: 'settings', key };
        await store.append(ref, nextVersion(null, { key }, intent));
        await store.append(ref, nextVersion(await store.latest(ref), { key, v: 2 }, intent));
      }
      const projected = await client.send(
        new QueryCommand({
          TableName: 'legacy',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': projectionKey('old') },
        }),
      );
      for (const item of projected.Items ?? [])
        await client.send(new DeleteCommand({ TableName: 'legacy', Key: { pk: item.pk, sk: item.sk } }));
      // Act
      const first = await store.latestAll('old', ['settings']);
      const kept = await client.send(
        new QueryCommand({
          TableName: 'legacy',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': projectionKey('old') },
        }),
      );
      const second = await store.latestAll('old', ['settings']);
      // Assess
      expect(first.map((d) => [d.key, d.version, d.content])).toEqual([
        ['envs/dev', 2, { key: 'envs/dev', v: 2 }],
        ['envs/dev/services/api', 2, { key: 'envs/dev/services/api', v: 2 }],
        ['global', 2, { key: 'global', v: 2 }],
      ]);
      expect((kept.Items ?? []).map((i) => String(i.sk))).toEqual([
        'settings#',
        'settings#envs/dev',
        'settings#envs/dev/services/api',
        'settings#global',
      ]);
      expect(second).toEqual(first);
    } finally {
      client.destroy();
      await dynalite.close();
    }
  });
});

describe('DynamoDbDocumentStore announcements of documents that never get a version', () => {
  it('leaves no projection item once the announcement of a refused first write is withdrawn', async () => {
    // Prepare
    const dynalite = await startDynalite();
    await ensureTable(localDynamoConfig(dynalite.endpoint), 'shells');
    const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
    const item = (key: string) =>
      client.send(
        new GetCommand({
          TableName: 'shells',
          Key: { pk: projectionKey('refused'), sk: projectionSortKey('settings', key) },
          ConsistentRead: true,
        }),
      );
    try {
      const store = new DynamoDbDocumentStore({ tableName: 'shells', clientFor: () => client });
      const ref = { tenantId: 'refused', collection: 'settings', key: 'envs/dev/services/new' };
      const announced = await store.announce(ref);
      const announcedItem = (await item(ref.key)).Item;
      const rival = { ...ref, key: 'envs/dev/services/other' };
      const first = await store.announce(rival);
      await store.announce(rival);

      // Act
      await store.withdraw(ref, announced);
      await store.withdraw(rival, first);

      // Assess
      expect(announcedItem).toBeDefined();
      expect((await item(ref.key)).Item).toBeUndefined();
      // Another write still announced on the same document: its item stays.
      expect((await item(rival.key)).Item?.pending).toBeDefined();
    } finally {
      client.destroy();
      await dynalite.close();
    }
  });
});
