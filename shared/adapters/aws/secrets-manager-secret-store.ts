import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretMetadata, SecretRef, SecretVersionInfo } from '../../domain/secrets/secret-model.ts';
import type { Envelope, SecretPage, SecretStore, SecretWrite } from '../../ports/secret-store.ts';
import { DynamoDbSecretStore, type DynamoDbSecretStoreOptions } from './dynamodb-secret-store.ts';

/** The Secrets Manager name of a tenant's secret: `plumbline/<tenant>/<env>/<name>`. */
export function secretsManagerName(ref: SecretRef): string {
  return `plumbline/${ref.tenantId}/${ref.env}/${ref.name}`;
}

/** Options of {@link SecretsManagerSecretStore}. */
export interface SecretsManagerSecretStoreOptions extends DynamoDbSecretStoreOptions {
  /** A Secrets Manager client per tenant (tenant-scoped credentials on AWS). */
  secretsFor: (tenantId: string) => SecretsManagerClient;
}

/**
 * {@link SecretStore} on AWS: one Secrets Manager secret per tenant, env and
 * name (`plumbline/<tenant>/<env>/<name>`) holding each version's envelope
 * as `SecretBinary` (stages `AWSCURRENT`/`AWSPREVIOUS` kept by Secrets
 * Manager, tags for tenant, env and criticality, deletion with a recovery
 * window), and the metadata in the table ({@link DynamoDbSecretStore}) so
 * that listing is one Query. Each version item records its Secrets Manager
 * version id.
 *
 * @example new SecretsManagerSecretStore({ tableName, clientFor, secretsFor })
 */
export class SecretsManagerSecretStore implements SecretStore {
  readonly #table: DynamoDbSecretStore;
  readonly #secretsFor: (tenantId: string) => SecretsManagerClient;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.#table = new DynamoDbSecretStore(options);
    this.#secretsFor = options.secretsFor;
  }

  get(ref: SecretRef): Promise<SecretMetadata | null> {
    return this.#table.get(ref);
  }

  list(tenantId: string, env: string, options: { limit: number; after?: string }): Promise<SecretPage> {
    return this.#table.list(tenantId, env, options);
  }

  versions(ref: SecretRef): Promise<SecretVersionInfo[]> {
    return this.#table.versions(ref);
  }

  async envelope(ref: SecretRef, version: number): Promise<Envelope | null> {
    const item = await this.#table.versionItem(ref, version);
    const versionId = item?.secretsManagerVersionId;
    if (typeof versionId !== 'string') return null;
    const out = await this.#secretsFor(ref.tenantId).send(
      new GetSecretValueCommand({ SecretId: secretsManagerName(ref), VersionId: versionId }),
    );
    if (!out.SecretBinary) return null;
    return JSON.parse(Buffer.from(out.SecretBinary).toString('utf8')) as Envelope;
  }

  async putVersion(ref: SecretRef, write: SecretWrite, expected: number | null): Promise<void> {
    const client = this.#secretsFor(ref.tenantId);
    const versionId = randomUUID();
    const binary = Buffer.from(JSON.stringify(write.envelope), 'utf8');
    if (expected === null) {
      await client.send(
        new CreateSecretCommand({
          Name: secretsManagerName(ref),
          ClientRequestToken: versionId,
          SecretBinary: binary,
          Description: 'Plumbline secret (envelope-encrypted value; see docs/secrets.md)',
          Tags: tagsOf(ref, write.metadata),
        }),
      );
    } else {
      // Secrets Manager moves AWSCURRENT to this version and AWSPREVIOUS to the one before.
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretsManagerName(ref),
          ClientRequestToken: versionId,
          SecretBinary: binary,
          VersionStages: ['AWSCURRENT'],
        }),
      );
      const before = await this.#table.get(ref);
      if (before && before.criticality !== write.metadata.criticality) {
        await client.send(
          new TagResourceCommand({ SecretId: secretsManagerName(ref), Tags: tagsOf(ref, write.metadata) }),
        );
      }
    }
    // Why after Secrets Manager: the table's conditional head write decides races; a loser
    // leaves an unreferenced Secrets Manager version (never read: reads go by the recorded id).
    await this.#table.recordVersion(ref, write, expected, { secretsManagerVersionId: versionId });
  }

  async scheduleDeletion(
    ref: SecretRef,
    metadata: SecretMetadata,
    expected: number,
    recoveryDays: number,
  ): Promise<void> {
    await this.#secretsFor(ref.tenantId).send(
      new DeleteSecretCommand({ SecretId: secretsManagerName(ref), RecoveryWindowInDays: recoveryDays }),
    );
    await this.#table.scheduleDeletion(ref, metadata, expected);
  }

  async restore(ref: SecretRef, metadata: SecretMetadata, expected: number): Promise<void> {
    await this.#secretsFor(ref.tenantId).send(
      new RestoreSecretCommand({ SecretId: secretsManagerName(ref) }),
    );
    await this.#table.restore(ref, metadata, expected);
  }

  putPending(ref: SecretRef, requestId: string, envelope: Envelope): Promise<void> {
    return this.#table.putPending(ref, requestId, envelope);
  }

  pending(ref: SecretRef, requestId: string): Promise<Envelope | null> {
    return this.#table.pending(ref, requestId);
  }
}

function tagsOf(ref: SecretRef, metadata: SecretMetadata): { Key: string; Value: string }[] {
  return [
    { Key: 'plumbline:tenant', Value: ref.tenantId },
    { Key: 'plumbline:env', Value: ref.env },
    { Key: 'plumbline:criticality', Value: metadata.criticality },
  ];
}

export { SecretsManagerClient };
