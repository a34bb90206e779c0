import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { nextVersion } from '../../../shared/domain/settings-version.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { unwiredApprovalPorts } from '../../support/unwired-approval-ports.ts';

const principal: Principal = { tenantId: 'acme', userId: 'ann', roles: [{ role: 'admin' }] };
const base = { principal, reason: 'r', ticket: null };

/** Stores a document as an older release could have, bypassing every write-time check. */
async function storeRaw(
  documents: InMemoryDocumentStore,
  collection: string,
  key: string,
  content: JsonObject,
) {
  const record = nextVersion(null, content, {
    author: 'legacy',
    reason: 'stored by an older release',
    ticket: null,
    createdAt: '2025-01-01T00:00:00.000Z',
  });
  await documents.append({ tenantId: 'acme', collection, key }, record);
}

async function writeService(documents: InMemoryDocumentStore, env: string) {
  return putSettings(
    { documents, clock: { now: () => new Date('2026-01-01T00:00:00.000Z') }, ...unwiredApprovalPorts() },
    {
      ...base,
      scope: { kind: 'service', env, service: 'api' },
      content: { image: 'r.io/api:1' },
      ifMatch: undefined,
    },
  ).catch((e: unknown) => e);
}

describe('stored rules that no longer pass their own checks fail closed', () => {
  it('refuses writes under a stored policy whose allowedRegistries is a string, naming the policy (no 500, no silent pass)', async () => {
    // Prepare
    const documents = new InMemoryDocumentStore();
    await storeRaw(documents, 'policies', 'envs/dev', { allowedRegistries: 'r.io/' });
    // Act
    const error = await writeService(documents, 'dev');
    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors).toEqual([
      expect.objectContaining({ rule: 'policy.stored-invalid', target: 'envs/dev/services/api' }),
    ]);
    expect(
      await documents.latest({ tenantId: 'acme', collection: 'settings', key: 'envs/dev/services/api' }),
    ).toBeNull();
  });

  it('refuses writes to a service whose stored schema breaks a limit added since (65 rules), instead of skipping it', async () => {
    // Prepare
    const documents = new InMemoryDocumentStore();
    const rules = Array.from({ length: 65 }, (_, i) => ({ id: `r${i}`, expr: 'true', message: 'm' }));
    await storeRaw(documents, 'schemas', 'services/api', {
      schema: { type: 'object' },
      rules,
      strict: false,
    });
    // Act
    const error = await writeService(documents, 'dev');
    // Assess
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).errors).toEqual([
      expect.objectContaining({ rule: 'schema.stored-invalid', target: 'envs/dev/services/api' }),
    ]);
  });

  it('still writes under a valid stored policy and schema', async () => {
    // Prepare
    const documents = new InMemoryDocumentStore();
    await storeRaw(documents, 'policies', 'envs/dev', { allowedRegistries: ['r.io/'] });
    await storeRaw(documents, 'schemas', 'services/api', {
      schema: { type: 'object' },
      rules: [],
      strict: false,
    });
    // Act
    const outcome = await writeService(documents, 'dev');
    // Assess
    expect(outcome).toMatchObject({ kind: 'written', record: { record: { version: 1 } } });
  });
});
