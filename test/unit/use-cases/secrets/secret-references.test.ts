import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../shared/domain/json-value.ts';
import { nextVersion, type SettingsVersion } from '../../../../shared/domain/settings-version.ts';
import type { DocumentStore } from '../../../../shared/ports/document-store.ts';
import { settingsReferencing } from '../../../../shared/use-cases/secrets/secret-references.ts';
import { InMemoryDocumentStore } from '../../../support/in-memory-document-store.ts';

const intent = { author: 'ann', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' };

/** The in-memory store, counting the calls made to each port method. */
function countingStore(): {
  store: DocumentStore;
  memory: InMemoryDocumentStore;
  calls: Map<string, number>;
} {
  const memory = new InMemoryDocumentStore();
  const calls = new Map<string, number>();
  const store = new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store, memory, calls };
}

async function write(
  store: DocumentStore,
  collection: string,
  key: string,
  content: JsonObject,
  previous: SettingsVersion | null = null,
): Promise<SettingsVersion> {
  const version = nextVersion(previous, content, intent);
  await store.append({ tenantId: 'acme', collection, key }, version);
  return version;
}

describe('settingsReferencing (the delete check of a secret)', () => {
  it('reads the tenant once from the projection, not once per service', async () => {
    // Prepare
    const { store, memory, calls } = countingStore();
    for (let i = 0; i < 300; i++) await write(memory, 'settings', `envs/dev/services/s${i}`, { replicas: 2 });
    await write(memory, 'settings', 'envs/dev/services/s299/instances/i-1', { k: { $secret: 'db' } });

    // Act
    const found = await settingsReferencing({ documents: store }, 'acme', 'dev', 'db');

    // Assess
    expect(found).toEqual([{ document: 'envs/dev/services/s299/instances/i-1', pointer: '/k' }]);
    expect(Object.fromEntries(calls)).toEqual({ latestAll: 1 });
  });

  it('looks at the latest version only, in the environment asked, and ignores malformed profile references', async () => {
    // Prepare
    const memory = new InMemoryDocumentStore();
    const first = await write(memory, 'settings', 'envs/dev/services/api', { k: { $secret: 'db' } });
    await write(memory, 'settings', 'envs/dev/services/api', { k: 'plain' }, first);
    await write(memory, 'settings', 'envs/dev-2/services/api', { k: { $secret: 'db' } });
    await write(memory, 'settings', 'envs/dev', { p: { $profile: 42 }, q: { $profile: 'base' } });
    await write(memory, 'profiles', 'base', { other: { $secret: 'other' } });
    await write(memory, 'profiles', '42', { k: { $secret: 'db' } });

    // Act
    const found = await settingsReferencing({ documents: memory }, 'acme', 'dev', 'db');

    // Assess
    expect(found).toEqual([]);
  });
});
