import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, localDynamoConfig } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { DynamoDbSecretStore } from '../../shared/adapters/aws/dynamodb-secret-store.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/secrets-manager-secret-store.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { type SecretStore, SecretVersionConflictError } from '../../shared/ports/secret-store.ts';
import { secretWriteFixture } from '../support/secret-fixture.ts';

/** Secrets Manager as far as the store uses it: binaries by version id. */
function fakeSecretsManager(): void {
  const versions = new Map<string, Uint8Array>();
  const sm = mockClient(SecretsManagerClient);
  const keep = (input: { ClientRequestToken?: string; SecretBinary?: Uint8Array }) => {
    versions.set(input.ClientRequestToken ?? '', input.SecretBinary ?? new Uint8Array());
    return {};
  };
  sm.on(CreateSecretCommand).callsFake(keep);
  sm.on(PutSecretValueCommand).callsFake(keep);
  sm.on(GetSecretValueCommand).callsFake((input: { VersionId?: string }) => ({
    SecretBinary: versions.get(input.VersionId ?? ''),
  }));
  sm.on(DeleteSecretCommand).resolves({});
  sm.on(RestoreSecretCommand).resolves({});
  sm.on(TagResourceCommand).resolves({});
}

let dynalite: DynaliteHandle;
const stores: Record<string, SecretStore> = {};

beforeAll(async () => {
  fakeSecretsManager();
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), 'contract');
  const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
  stores.local = new DynamoDbSecretStore({ tableName: 'contract', clientFor: () => client });
  stores.aws = new SecretsManagerSecretStore({
    tableName: 'contract',
    clientFor: () => client,
    secretsFor: () => new SecretsManagerClient({ region: 'eu-west-1' }),
  });
});
afterAll(async () => {
  await dynalite.close();
});

describe.each([
  ['DynamoDbSecretStore (local twin)', 'local'],
  ['SecretsManagerSecretStore', 'aws'],
])('SecretStore contract: %s', (_label, which) => {
  const store = () => stores[which] as SecretStore;
  const ref = { tenantId: `t-${which}`, env: 'prod', name: 'db-password' };

  it('writes versions, keeps every envelope, and lists versions newest first', async () => {
    // Act
    await store().putVersion(ref, secretWriteFixture(ref, 1), null);
    await store().putVersion(ref, secretWriteFixture(ref, 2), 1);

    // Assess
    expect((await store().get(ref))?.version).toBe(2);
    expect((await store().versions(ref)).map((v) => v.version)).toEqual([2, 1]);
    expect(await store().envelope(ref, 1)).toEqual(secretWriteFixture(ref, 1).envelope);
    expect(await store().envelope(ref, 2)).toEqual(secretWriteFixture(ref, 2).envelope);
    expect(await store().envelope(ref, 3)).toBeNull();
  });

  it('refuses a write based on a stale version, naming the current one', async () => {
    // Act / Assess
    const stale = store().putVersion(ref, secretWriteFixture(ref, 2), 1);
    await expect(stale).rejects.toBeInstanceOf(SecretVersionConflictError);
    await expect(stale).rejects.toMatchObject({ current: 2 });
    await expect(store().putVersion(ref, secretWriteFixture(ref, 1), null)).rejects.toBeInstanceOf(
      SecretVersionConflictError,
    );
  });

  it('lists an environment in pages by name and never shows another tenant or environment', async () => {
    // Prepare
    for (const name of ['a-key', 'b-key', 'c-key']) {
      const r = { ...ref, name };
      await store().putVersion(r, secretWriteFixture(r, 1), null);
    }
    const other = { tenantId: `other-${which}`, env: 'prod', name: 'zzz' };
    await store().putVersion(other, secretWriteFixture(other, 1), null);

    // Act
    const first = await store().list(ref.tenantId, 'prod', { limit: 2 });
    const rest = await store().list(ref.tenantId, 'prod', { limit: 10, after: first.next ?? '' });

    // Assess
    expect(first.items.map((m) => m.name)).toEqual(['a-key', 'b-key']);
    expect(rest.items.map((m) => m.name)).toEqual(['c-key', 'db-password']);
    expect(rest.next).toBeNull();
    expect((await store().list(ref.tenantId, 'dev', { limit: 10 })).items).toEqual([]);
    expect(await store().get({ ...ref, tenantId: `other-${which}` })).toBeNull();
  });

  it('schedules deletion and restores, each conditional on the head', async () => {
    // Prepare
    const head = secretWriteFixture(ref, 2).metadata;
    const pending = { ...head, state: 'pending-deletion' as const, deletionAt: '2030-01-01T00:00:00.000Z' };

    // Act
    await store().scheduleDeletion(ref, pending, 2, 30);
    const deleted = await store().get(ref);
    await store().restore(ref, head, 2);

    // Assess
    expect(deleted?.state).toBe('pending-deletion');
    expect((await store().get(ref))?.state).toBe('active');
    await expect(store().restore(ref, head, 1)).rejects.toBeInstanceOf(SecretVersionConflictError);
  });

  it('keeps a pending envelope per change request', async () => {
    // Act
    await store().putPending(ref, 'cr-1', secretWriteFixture(ref, 9).envelope);

    // Assess
    expect(await store().pending(ref, 'cr-1')).toEqual(secretWriteFixture(ref, 9).envelope);
    expect(await store().pending(ref, 'cr-2')).toBeNull();
  });
});
