import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { nextVersion, type SettingsVersion } from '../../../shared/domain/settings-version.ts';
import type { DocumentRef } from '../../../shared/ports/document-store.ts';
import { versionAt } from '../../../shared/use-cases/effective/document-cache.ts';
import { exportSnapshot, renderExport } from '../../../shared/use-cases/snapshots/export-snapshot.ts';
import { importSnapshot } from '../../../shared/use-cases/snapshots/import-snapshot.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { unwiredApprovalPorts } from '../../support/unwired-approval-ports.ts';

const principal: Principal = { tenantId: 'acme', userId: 'ann', roles: [{ role: 'admin' }] };

async function seed(
  store: InMemoryDocumentStore,
  collection: string,
  key: string,
  content: JsonObject,
  createdAt: string,
) {
  const ref = { tenantId: 'acme', collection, key };
  await store.append(
    ref,
    nextVersion(await store.latest(ref), content, { author: 'ann', reason: 'seed', ticket: null, createdAt }),
  );
}

const deps = (store: InMemoryDocumentStore) => ({
  documents: store,
  clock: { now: () => new Date('2026-05-01T00:00:00.000Z') },
  ...unwiredApprovalPorts(),
});

describe('point-in-time reads', () => {
  it('finds the version current at an instant across history pages, and null before the first', async () => {
    const store = new InMemoryDocumentStore();
    for (let i = 1; i <= 150; i++) {
      await seed(store, 'settings', 'global', { i }, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString());
    }
    const ref = { tenantId: 'acme', collection: 'settings', key: 'global' };
    expect(
      (await versionAt(store, ref, new Date(Date.UTC(2026, 0, 1, 0, 20, 30)).toISOString()))?.version,
    ).toBe(20);
    expect(await versionAt(store, ref, '2026-01-01T00:00:00.000Z')).toBeNull();
    expect((await versionAt(store, ref, '2027-01-01T00:00:00.000Z'))?.version).toBe(150);
  });

  it('exports the documents and the flattened effective settings as they were at `at`', async () => {
    const store = new InMemoryDocumentStore();
    await seed(store, 'settings', 'global', { log: { level: 'info' } }, '2026-01-01T00:00:00.000Z');
    await seed(store, 'settings', 'envs/dev/services/api', { replicas: 1 }, '2026-01-02T00:00:00.000Z');
    await seed(store, 'settings', 'envs/dev/services/api', { replicas: 2 }, '2026-01-03T00:00:00.000Z');
    const snap = await exportSnapshot(deps(store), { principal, at: '2026-01-02T12:00:00.000Z' });
    expect(snap.documents.map((d) => [d.key, d.version, d.content])).toEqual([
      ['envs/dev/services/api', 1, { replicas: 1 }],
      ['global', 1, { log: { level: 'info' } }],
    ]);
    const dotenv = await renderExport(deps(store), { principal, at: '2026-01-02T12:00:00.000Z' }, 'dotenv');
    expect(dotenv.text).toContain('REPLICAS=1');
    expect(dotenv.text).toContain('LOG__LEVEL=info');
    const early = await exportSnapshot(deps(store), { principal, at: '2025-12-31T00:00:00.000Z' });
    expect(early.documents).toEqual([]);
  });
});

describe('flattened exports and secret references', () => {
  it('leave each $secret reference out of dotenv and ConfigMap output with one comment naming it, never a fake variable', async () => {
    // Prepare: two services, so the ConfigMaps come as a List
    const store = new InMemoryDocumentStore();
    const at = '2026-01-01T00:00:00.000Z';
    await seed(store, 'settings', 'global', { db: { host: 'db.internal' } }, at);
    await seed(
      store,
      'settings',
      'envs/dev/services/api',
      { db: { password: { $secret: 'db-password' } } },
      at,
    );
    await seed(
      store,
      'settings',
      'envs/dev/services/web',
      { token: { $secret: 'web-token' }, replicas: 2 },
      at,
    );
    // Act
    const dotenv = await renderExport(deps(store), { principal, env: 'dev' }, 'dotenv');
    const configmap = await renderExport(deps(store), { principal, env: 'dev' }, 'configmap');
    const single = await renderExport(deps(store), { principal, env: 'dev', service: 'api' }, 'configmap');
    // Assess
    for (const text of [dotenv.text, configmap.text, single.text]) {
      expect(text).not.toContain('SECRET');
      expect(text).toContain("# DB__PASSWORD: secret reference 'db-password', not exported");
    }
    expect(dotenv.text).toContain("# TOKEN: secret reference 'web-token', not exported");
    expect(dotenv.text).toContain('DB__HOST=db.internal');
    const list = parse(configmap.text ?? '') as { items: { data: Record<string, string> }[] };
    expect(list.items.map((m) => m.data)).toEqual([
      { DB__HOST: 'db.internal' },
      { DB__HOST: 'db.internal', REPLICAS: '2' },
    ]);
    expect(configmap.text).toContain("# TOKEN: secret reference 'web-token', not exported");
    expect((parse(single.text ?? '') as { data: Record<string, string> }).data).toEqual({
      DB__HOST: 'db.internal',
    });
  });
});

describe('flattened exports of hostile names', () => {
  it('keep a secret name or key holding line breaks inside comments: no dotenv variable, no ConfigMap data key', async () => {
    // Prepare: stored without the missing-secret check (a name no secret can have) and a key with a line break
    const store = new InMemoryDocumentStore();
    const at = '2026-01-01T00:00:00.000Z';
    const name = "x'\nINJECTED=1\r\nB=2\u2028C: 3";
    await seed(
      store,
      'settings',
      'envs/dev/services/api',
      { db: { password: { $secret: name } }, 'a\nINJECTED=1': 'x', a_INJECTED_1: 'y' },
      at,
    );
    // Act
    const dotenv = await renderExport(deps(store), { principal, env: 'dev' }, 'dotenv');
    const configmap = await renderExport(deps(store), { principal, env: 'dev' }, 'configmap');
    // Assess: every dotenv line is a comment or a variable Node's own parser reads as exported
    const text = dotenv.text ?? '';
    expect(parseEnv(text)).toEqual({ A_INJECTED_1: 'x' });
    expect(text.split(/\r\n|\r|\n/).filter((l) => l !== '' && !l.startsWith('#'))).toEqual([
      'A_INJECTED_1=x',
    ]);
    expect(text).toContain(
      'secret reference "x\'\\nINJECTED=1\\r\\nB=2\\u2028C: 3" (not a valid secret name)',
    );
    expect(text).toContain('# WARNING collision A_INJECTED_1: /a_INJECTED_1 collides with "/a\\nINJECTED=1"');
    // The ConfigMap (YAML comments every line anyway) holds only the real variable and keeps the note as a comment.
    const map = parse(configmap.text ?? '') as { data: Record<string, string> };
    expect(map.data).toEqual({ A_INJECTED_1: 'x' });
    expect(configmap.text).toContain('  # DB__PASSWORD: secret reference "x');
    expect(configmap.text).not.toMatch(/^\s*INJECTED/m);
  });
});

describe('dotenv export values', () => {
  it("read back exactly with Node's parser, and a value no dotenv form carries is a warning comment, not a variable", async () => {
    // Prepare
    const store = new InMemoryDocumentStore();
    const values = {
      quote: 'say "hi"',
      apostrophe: "it's",
      both: `it's "x"`,
      backslashes: 'C:\\new\\ \\\\',
      dollar: '$HOME',
      hash: 'a # b',
      multiline: 'line1\nline2',
      spaces: '  padded  ',
      unicode: 'caf\u00e9 \u{1f600}',
      empty: '',
    };
    await seed(
      store,
      'settings',
      'envs/dev/services/api',
      { ...values, cr: 'a\rb', limits: [1, 'two'] },
      '2026-01-01T00:00:00.000Z',
    );
    // Act
    const dotenv = await renderExport(deps(store), { principal, env: 'dev' }, 'dotenv');
    // Assess
    const expected = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toUpperCase(), v]));
    expect(parseEnv(dotenv.text ?? '')).toEqual({ ...expected, LIMITS__0: '1', LIMITS__1: 'two' });
    expect(dotenv.text).toContain(
      '# WARNING CR: value not exported, it holds a carriage return (dotenv readers drop it)\n',
    );
  });
});

describe('importSnapshot', () => {
  it('plans without writing, and on apply skips a document that changed since the plan as a conflict', async () => {
    // Prepare: a store where, as soon as the import writes its first document, someone else updates envs/dev.
    const store = new InMemoryDocumentStore();
    await seed(store, 'settings', 'envs/dev', { a: 1 }, '2026-01-01T00:00:00.000Z');
    const append = store.append.bind(store);
    let raced = false;
    store.append = async (ref: DocumentRef, version: SettingsVersion) => {
      await append(ref, version);
      if (!raced && ref.key === 'minimal') {
        raced = true;
        const rival = { tenantId: 'acme', collection: 'settings', key: 'envs/dev' };
        await append(
          rival,
          nextVersion(
            await store.latest(rival),
            { a: 99 },
            { author: 'bob', reason: 'rival', ticket: null, createdAt: '2026-01-02T00:00:00.000Z' },
          ),
        );
      }
    };
    const documents = [
      { collection: 'settings' as const, key: 'envs/dev', content: { a: 2 } },
      { collection: 'profiles' as const, key: 'minimal', content: { replicas: 1 } },
    ];
    // Act
    const plan = await importSnapshot(deps(store), { principal, documents, mode: 'plan', reason: 'x' });
    const applied = await importSnapshot(deps(store), {
      principal,
      documents,
      mode: 'apply',
      reason: 'restore',
    });
    // Assess
    expect(plan.documents.map((d) => [d.key, d.action, d.result])).toEqual([
      ['minimal', 'create', undefined],
      ['envs/dev', 'update', undefined],
    ]);
    expect(applied.documents.map((d) => [d.key, d.result, d.skipped?.reason])).toEqual([
      ['minimal', 'written', undefined],
      ['envs/dev', 'skipped', 'conflict'],
    ]);
    expect(
      (await store.latest({ tenantId: 'acme', collection: 'settings', key: 'envs/dev' }))?.content,
    ).toEqual({ a: 99 });
  });

  it('skips documents the caller may not write, and marks only the invalid document invalid', async () => {
    const store = new InMemoryDocumentStore();
    const editor: Principal = { tenantId: 'acme', userId: 'eve', roles: [{ role: 'editor', env: 'dev' }] };
    const report = await importSnapshot(deps(store), {
      principal: editor,
      mode: 'apply',
      reason: 'x',
      documents: [
        { collection: 'policies', key: 'envs/dev', content: { requiredLabels: [] } },
        {
          collection: 'settings',
          key: 'envs/dev/services/api',
          content: { hpa: { minReplicas: 3, maxReplicas: 1 } },
        },
        { collection: 'settings', key: 'envs/dev/services/web', content: { replicas: 1 } },
        { collection: 'settings', key: 'envs/prod/services/web', content: { replicas: 1 } },
      ],
    });
    expect(report.documents.map((d) => [d.key, d.result, d.skipped?.reason])).toEqual([
      ['envs/dev', 'skipped', 'forbidden'],
      ['envs/dev/services/api', 'skipped', 'invalid'],
      ['envs/dev/services/web', 'written', undefined],
      ['envs/prod/services/web', 'skipped', 'forbidden'],
    ]);
  });
});

describe('importSnapshot fan-out', () => {
  it('plans 200 documents from one read of the tenant projection, with no read per document (issue 11)', async () => {
    // Prepare: a store that counts its reads.
    const store = new InMemoryDocumentStore();
    await seed(store, 'settings', 'global', { replicas: 1 }, '2026-01-01T00:00:00.000Z');
    await seed(store, 'profiles', 'p0', { replicas: 9 }, '2026-01-01T00:00:00.000Z');
    const reads = new Map<string, number>();
    const count = (id: string) => reads.set(id, (reads.get(id) ?? 0) + 1);
    const latest = store.latest.bind(store);
    const listKeys = store.listKeys.bind(store);
    const latestAll = store.latestAll.bind(store);
    store.latest = async (ref: DocumentRef) => {
      count(`${ref.collection}:${ref.key}`);
      return latest(ref);
    };
    store.listKeys = async (tenantId: string, collection: string) => {
      count(`listKeys:${collection}`);
      return listKeys(tenantId, collection);
    };
    store.latestAll = async (tenantId: string, collections: readonly string[]) => {
      count(`latestAll:${collections.join(',')}`);
      return latestAll(tenantId, collections);
    };
    const documents = Array.from({ length: 100 }, (_, i) => [
      { collection: 'profiles' as const, key: `p${i}`, content: { replicas: 2 + (i % 3) } },
      {
        collection: 'settings' as const,
        key: `envs/dev/services/s${i % 10}/instances/i${i}`,
        content: { $profile: `p${i}`, x: i },
      },
    ]).flat();
    // Act
    const plan = await importSnapshot(deps(store), { principal, documents, mode: 'plan', reason: 'x' });
    // Assess
    expect(plan.summary).toMatchObject({ create: 199, update: 1, invalid: 0 });
    expect([...reads.entries()]).toEqual([['latestAll:settings,profiles,schemas,policies,environments', 1]]);
  });
});
