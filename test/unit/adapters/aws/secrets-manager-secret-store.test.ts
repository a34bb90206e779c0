import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, localDynamoConfig } from '../../../../shared/adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../../../../shared/adapters/aws/ensure-table.ts';
import {
  SecretsManagerSecretStore,
  secretsManagerName,
} from '../../../../shared/adapters/aws/secrets-manager-secret-store.ts';
import { type DynaliteHandle, startDynalite } from '../../../../shared/adapters/local/dynalite-server.ts';
import { secretWriteFixture } from '../../../support/secret-fixture.ts';

const sm = mockClient(SecretsManagerClient);
let dynalite: DynaliteHandle;
let store: SecretsManagerSecretStore;
const ref = { tenantId: 'acme', env: 'prod', name: 'db-password' };

beforeAll(async () => {
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), 'sm-secrets');
  const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
  store = new SecretsManagerSecretStore({
    tableName: 'sm-secrets',
    clientFor: () => client,
    secretsFor: () => new SecretsManagerClient({ region: 'eu-west-1' }),
  });
});
afterAll(async () => {
  sm.restore();
  await dynalite.close();
});
afterEach(() => sm.reset());

describe('SecretsManagerSecretStore', () => {
  it('creates one secret plumbline/<tenant>/<env>/<name> with the envelope as SecretBinary and tenant, env, criticality tags', async () => {
    // Prepare
    sm.on(CreateSecretCommand).resolves({});
    const write = secretWriteFixture(ref, 1);

    // Act
    await store.putVersion(ref, write, null);

    // Assess
    const input = sm.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(input?.Name).toBe('plumbline/acme/prod/db-password');
    expect(JSON.parse(Buffer.from(input?.SecretBinary ?? []).toString('utf8'))).toEqual(write.envelope);
    expect(input?.SecretString).toBeUndefined();
    expect(input?.Tags).toEqual([
      { Key: 'plumbline:tenant', Value: 'acme' },
      { Key: 'plumbline:env', Value: 'prod' },
      { Key: 'plumbline:criticality', Value: 'critical' },
    ]);
    expect(await store.get(ref)).toEqual(write.metadata);
  });

  it('puts later versions as AWSCURRENT and reads each version by the Secrets Manager version id it recorded', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({});
    const write = secretWriteFixture(ref, 2);

    // Act
    await store.putVersion(ref, write, 1);
    const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: put?.SecretBinary as Uint8Array });
    const envelope = await store.envelope(ref, 2);

    // Assess
    expect(put?.SecretId).toBe(secretsManagerName(ref));
    expect(put?.VersionStages).toEqual(['AWSCURRENT']);
    expect(envelope).toEqual(write.envelope);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'plumbline/acme/prod/db-password',
      VersionId: put?.ClientRequestToken as string,
    });
  });

  it('schedules deletion with the recovery window and restores it', async () => {
    // Prepare
    sm.on(DeleteSecretCommand).resolves({});
    sm.on(RestoreSecretCommand).resolves({});
    const head = secretWriteFixture(ref, 2).metadata;

    // Act
    await store.scheduleDeletion(
      ref,
      { ...head, state: 'pending-deletion', deletionAt: '2030-01-01T00:00:00.000Z' },
      2,
      7,
    );
    await store.restore(ref, head, 2);

    // Assess
    expect(sm).toHaveReceivedCommandWith(DeleteSecretCommand, {
      SecretId: 'plumbline/acme/prod/db-password',
      RecoveryWindowInDays: 7,
    });
    expect(sm).toHaveReceivedCommandWith(RestoreSecretCommand, {
      SecretId: 'plumbline/acme/prod/db-password',
    });
    expect((await store.get(ref))?.state).toBe('active');
  });
});
