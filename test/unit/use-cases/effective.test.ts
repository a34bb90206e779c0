import { describe, expect, it } from 'vitest';
import { NotFoundError, UnprocessableError } from '../../../shared/domain/errors.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { nextVersion } from '../../../shared/domain/settings-version.ts';
import type { DocumentRef, DocumentStore } from '../../../shared/ports/document-store.ts';
import { getEffective } from '../../../shared/use-cases/effective/get-effective.ts';
import { validateChanges } from '../../../shared/use-cases/effective/validate-changes.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { unwiredApprovalPorts } from '../../support/unwired-approval-ports.ts';

/** Wraps a store and counts calls and sequential round trips (calls that start after an earlier one finished). */
class CountingStore implements DocumentStore {
  calls: string[] = [];
  rounds = 0;
  #idle = true;
  constructor(private readonly inner: DocumentStore) {}
  reset(): void {
    this.calls = [];
    this.rounds = 0;
    this.#idle = true;
  }
  async #count<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (this.#idle) this.rounds++;
    this.#idle = false;
    this.calls.push(name);
    try {
      return await run();
    } finally {
      this.#idle = true;
    }
  }
  latest(ref: DocumentRef) {
    return this.#count(`latest ${ref.collection}:${ref.key}`, () => this.inner.latest(ref));
  }
  get(ref: DocumentRef, version: number) {
    return this.#count(`get ${ref.collection}:${ref.key}@${version}`, () => this.inner.get(ref, version));
  }
  list(ref: DocumentRef, options: { limit: number; before?: number; withContent?: boolean }) {
    return this.#count(`list ${ref.collection}:${ref.key}`, () => this.inner.list(ref, options));
  }
  append(
    ref: DocumentRef,
    version: import('../../../shared/domain/settings-version.ts').SettingsVersion,
    options?: import('../../../shared/ports/document-store.ts').AppendOptions,
  ) {
    return this.#count(`append ${ref.collection}:${ref.key}`, () => this.inner.append(ref, version, options));
  }
  listKeys(tenantId: string, collection: string) {
    return this.#count(`listKeys ${collection}`, () => this.inner.listKeys(tenantId, collection));
  }
  announce(ref: DocumentRef) {
    return this.#count(`announce ${ref.collection}:${ref.key}`, () => this.inner.announce(ref));
  }
  withdraw(ref: DocumentRef, announced: string) {
    return this.#count(`withdraw ${ref.collection}:${ref.key}`, () => this.inner.withdraw(ref, announced));
  }
  latestAll(tenantId: string, collections: readonly string[]) {
    return this.#count(`latestAll ${collections.join(',')}`, () =>
      this.inner.latestAll(tenantId, collections),
    );
  }
}

const principal: Principal = { tenantId: 'acme', userId: 'ann', roles: [{ role: 'admin' }] };
const at = '2026-01-01T00:00:00.000Z';

async function seed(
  store: DocumentStore,
  collection: string,
  key: string,
  content: JsonObject,
): Promise<void> {
  const ref = { tenantId: 'acme', collection, key };
  const previous = await store.latest(ref);
  await store.append(
    ref,
    nextVersion(previous, content, { author: 'ann', reason: 'seed', ticket: null, createdAt: at }),
  );
}

function deps(store: DocumentStore) {
  return { documents: store, clock: { now: () => new Date(at) }, ...unwiredApprovalPorts() };
}

describe('getEffective', () => {
  it('reads the layers and the profiles in one parallel round trip of one Query each', async () => {
    // Prepare
    const inner = new InMemoryDocumentStore();
    await seed(inner, 'settings', 'global', { a: 1 });
    await seed(inner, 'settings', 'envs/dev', { b: 2 });
    await seed(inner, 'settings', 'envs/dev/services/api', { c: 3 });
    const store = new CountingStore(inner);
    // Act
    const view = await getEffective(deps(store), {
      principal,
      scope: { kind: 'instance', env: 'dev', service: 'api', instance: 'i-1' },
      explain: false,
    });
    // Assess
    expect(view.content).toEqual({ a: 1, b: 2, c: 3 });
    expect(store.rounds).toBe(1);
    expect(store.calls.sort()).toEqual([
      'latest settings:envs/dev',
      'latest settings:envs/dev/services/api',
      'latest settings:envs/dev/services/api/instances/i-1',
      'latest settings:global',
      'latestAll profiles',
    ]);
  });

  it('reads referenced profiles in the same round trip as the layers (issue 11)', async () => {
    const inner = new InMemoryDocumentStore();
    await seed(inner, 'settings', 'envs/dev/services/api', {
      web: { $profile: 'minimal' },
      worker: { $profile: 'tiny' },
    });
    await seed(inner, 'profiles', 'minimal', { replicas: 1 });
    await seed(inner, 'profiles', 'tiny', { replicas: 0 });
    const store = new CountingStore(inner);
    const view = await getEffective(deps(store), {
      principal,
      scope: { kind: 'service', env: 'dev', service: 'api' },
      explain: true,
    });
    expect(view.content).toEqual({ web: { replicas: 1 }, worker: { replicas: 0 } });
    expect(store.rounds).toBe(1);
    expect(store.calls.sort()).toEqual([
      'latest settings:envs/dev',
      'latest settings:envs/dev/services/api',
      'latest settings:global',
      'latestAll profiles',
    ]);
    expect(view.explain?.['/web/replicas']).toMatchObject({
      scope: 'envs/dev/services/api',
      profile: 'minimal',
      profileVersion: 1,
    });
  });

  it('is a 404 when no layer exists, as for another tenant', async () => {
    const inner = new InMemoryDocumentStore();
    await seed(inner, 'settings', 'global', { a: 1 });
    const other: Principal = { ...principal, tenantId: 'globex' };
    await expect(
      getEffective(deps(inner), {
        principal: other,
        scope: { kind: 'service', env: 'dev', service: 'api' },
        explain: false,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('validateChanges', () => {
  async function world() {
    const store = new InMemoryDocumentStore();
    await seed(store, 'settings', 'envs/dev/services/api', { hpa: { minReplicas: 1, maxReplicas: 2 } });
    await seed(store, 'settings', 'envs/dev/services/api/instances/i-1', { replicas: 1 });
    await seed(store, 'settings', 'envs/prod/services/web', { web: { $profile: 'p' } });
    await seed(store, 'settings', 'envs/prod/services/db', { replicas: 1 });
    await seed(store, 'profiles', 'p', { replicas: 2 });
    return store;
  }

  it('checks every service and instance below a global write', async () => {
    const report = await validateChanges({ documents: await world() }, 'acme', [
      { collection: 'settings', key: 'global', content: { x: 1 } },
    ]);
    expect(report.targets.sort()).toEqual([
      'envs/dev/services/api',
      'envs/dev/services/api/instances/i-1',
      'envs/prod/services/db',
      'envs/prod/services/web',
    ]);
  });

  it('checks only the configurations a profile, a schema or a policy reaches', async () => {
    const store = await world();
    const profile = await validateChanges({ documents: store }, 'acme', [
      { collection: 'profiles', key: 'p', content: { replicas: -1 } },
    ]);
    expect(profile.targets).toEqual(['envs/prod/services/web']);
    expect(profile.errors[0]).toMatchObject({
      pointer: '/web/replicas',
      rule: 'workload.replicas-type',
      scope: 'envs/prod/services/web',
    });
    const schema = await validateChanges({ documents: store }, 'acme', [
      {
        collection: 'schemas',
        key: 'services/api',
        content: { schema: { type: 'object' }, rules: [], strict: false },
      },
    ]);
    expect(schema.targets.sort()).toEqual(['envs/dev/services/api', 'envs/dev/services/api/instances/i-1']);
    const policy = await validateChanges({ documents: store }, 'acme', [
      { collection: 'policies', key: 'envs/prod', content: { requiredLabels: ['team'] } },
    ]);
    expect(policy.targets.sort()).toEqual(['envs/prod/services/db', 'envs/prod/services/web']);
    expect(policy.errors.map((e) => e.target).sort()).toEqual([
      'envs/prod/services/db',
      'envs/prod/services/web',
    ]);
  });

  it('validates a lone layer by itself when nothing lies below it', async () => {
    const report = await validateChanges({ documents: new InMemoryDocumentStore() }, 'acme', [
      { collection: 'settings', key: 'envs/qa', content: { hpa: { minReplicas: 3, maxReplicas: 1 } } },
    ]);
    expect(report.targets).toEqual(['envs/qa']);
    expect(report.errors[0]).toMatchObject({ rule: 'hpa.min-le-max', scope: 'envs/qa' });
  });

  it('makes a settings write fail with every violation and write nothing', async () => {
    const store = await world();
    const write = putSettings(deps(store), {
      principal,
      scope: { kind: 'env', env: 'dev' },
      content: { hpa: { minReplicas: 5, tolerance: 2 } },
      reason: 'x',
      ticket: null,
      ifMatch: undefined,
    });
    await expect(write).rejects.toBeInstanceOf(UnprocessableError);
    const error = (await write.catch((e: unknown) => e)) as UnprocessableError;
    // The service overrides minReplicas; the tolerance from envs/dev breaks the rule.
    expect(error.errors.map((e) => [e.rule, e.scope, e.target])).toEqual([
      ['hpa.tolerance', 'envs/dev', 'envs/dev/services/api'],
    ]);
    expect(await store.latest({ tenantId: 'acme', collection: 'settings', key: 'envs/dev' })).toBeNull();
  });
});
