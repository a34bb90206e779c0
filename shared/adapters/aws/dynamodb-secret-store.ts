import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SecretMetadata, SecretRef, SecretVersionInfo } from '../../domain/secrets/secret-model.ts';
import {
  type Envelope,
  type SecretPage,
  type SecretStore,
  SecretVersionConflictError,
  type SecretWrite,
} from '../../ports/secret-store.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** Partition of an environment's secrets: every key starts with the tenant id (IAM `LeadingKeys`). */
export function secretPartition(tenantId: string, env: string): string {
  return `${tenantId}#secrets#${env}`;
}

const headKey = (name: string) => `meta#${name}`;
const versionKey = (name: string, version: number) => `ver#${name}#${String(version).padStart(12, '0')}`;
const pendingKey = (name: string, requestId: string) => `pending#${name}#${requestId}`;

/** Options of {@link DynamoDbSecretStore}. */
export interface DynamoDbSecretStoreOptions {
  tableName: string;
  clientFor: DocumentClientFor;
}

/**
 * {@link SecretStore} on the single table, the local twin of the Secrets
 * Manager store (and the metadata half of it): per environment one
 * partition `<tenant>#secrets#<env>` holding a head item per secret
 * (`meta#<name>`: metadata, listed in one Query) and one immutable item per
 * version (`ver#<name>#<version>`) with its envelope. Only ciphertext and
 * wrapped keys are stored.
 *
 * @example new DynamoDbSecretStore({ tableName: 'plumbline', clientFor: () => client })
 */
export class DynamoDbSecretStore implements SecretStore {
  readonly #tableName: string;
  readonly #clientFor: DocumentClientFor;

  constructor(options: DynamoDbSecretStoreOptions) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
  }

  async get(ref: SecretRef): Promise<SecretMetadata | null> {
    const item = await this.#getItem(ref.tenantId, secretPartition(ref.tenantId, ref.env), headKey(ref.name));
    return item ? (JSON.parse(item.metadata as string) as SecretMetadata) : null;
  }

  async list(tenantId: string, env: string, options: { limit: number; after?: string }): Promise<SecretPage> {
    const pk = secretPartition(tenantId, env);
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :meta)',
          ExpressionAttributeValues: { ':pk': pk, ':meta': 'meta#' },
          Limit: options.limit,
          ...(options.after === undefined ? {} : { ExclusiveStartKey: { pk, sk: headKey(options.after) } }),
        }),
      ),
    );
    const items = (out.Items ?? []).map((item) => JSON.parse(item.metadata as string) as SecretMetadata);
    return { items, next: out.LastEvaluatedKey ? (items.at(-1)?.name ?? null) : null };
  }

  async versions(ref: SecretRef): Promise<SecretVersionInfo[]> {
    const out = await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ver)',
          ExpressionAttributeValues: {
            ':pk': secretPartition(ref.tenantId, ref.env),
            ':ver': `ver#${ref.name}#`,
          },
          ProjectionExpression: '#v, createdAt, createdBy, reason',
          ExpressionAttributeNames: { '#v': 'version' },
          ScanIndexForward: false,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => ({
      version: item.version as number,
      createdAt: item.createdAt as string,
      createdBy: item.createdBy as string,
      reason: item.reason as string,
    }));
  }

  async envelope(ref: SecretRef, version: number): Promise<Envelope | null> {
    const item = await this.versionItem(ref, version);
    return item?.envelope ? (JSON.parse(item.envelope as string) as Envelope) : null;
  }

  async putVersion(ref: SecretRef, write: SecretWrite, expected: number | null): Promise<void> {
    await this.recordVersion(ref, write, expected, { envelope: JSON.stringify(write.envelope) });
  }

  /**
   * Moves the head, then writes the version item with `attributes` (the
   * envelope here; the Secrets Manager version id in the AWS store).
   */
  async recordVersion(
    ref: SecretRef,
    write: SecretWrite,
    expected: number | null,
    attributes: Record<string, unknown>,
  ): Promise<void> {
    const pk = secretPartition(ref.tenantId, ref.env);
    // Why the head first: its conditional put is the one place two writers race; the loser
    // writes nothing. A crash before the version item leaves that version unreadable until the
    // next rotation, never a version item the head does not know.
    await this.#putHead(ref, write.metadata, expected);
    await this.#put(ref.tenantId, {
      pk,
      sk: versionKey(ref.name, write.version.version),
      tenantId: ref.tenantId,
      ...write.version,
      ...attributes,
    });
  }

  /** The raw version item (the AWS store reads its Secrets Manager version id). */
  async versionItem(ref: SecretRef, version: number): Promise<Record<string, unknown> | undefined> {
    return this.#getItem(ref.tenantId, secretPartition(ref.tenantId, ref.env), versionKey(ref.name, version));
  }

  async scheduleDeletion(ref: SecretRef, metadata: SecretMetadata, expected: number): Promise<void> {
    await this.#putHead(ref, metadata, expected);
  }

  async restore(ref: SecretRef, metadata: SecretMetadata, expected: number): Promise<void> {
    await this.#putHead(ref, metadata, expected);
  }

  async putPending(ref: SecretRef, requestId: string, envelope: Envelope): Promise<void> {
    await this.#put(ref.tenantId, {
      pk: secretPartition(ref.tenantId, ref.env),
      sk: pendingKey(ref.name, requestId),
      tenantId: ref.tenantId,
      envelope: JSON.stringify(envelope),
    });
  }

  async pending(ref: SecretRef, requestId: string): Promise<Envelope | null> {
    const item = await this.#getItem(
      ref.tenantId,
      secretPartition(ref.tenantId, ref.env),
      pendingKey(ref.name, requestId),
    );
    return item ? (JSON.parse(item.envelope as string) as Envelope) : null;
  }

  async #putHead(ref: SecretRef, metadata: SecretMetadata, expected: number | null): Promise<void> {
    const item = {
      pk: secretPartition(ref.tenantId, ref.env),
      sk: headKey(ref.name),
      tenantId: ref.tenantId,
      version: metadata.version,
      metadata: JSON.stringify(metadata),
    };
    try {
      await this.#put(
        ref.tenantId,
        item,
        // Why: the head moves only from the version the writer read; a rival that moved it
        // first makes this write fail (412/409 to the caller), never overwrite.
        expected === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expected },
            },
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new SecretVersionConflictError((await this.get(ref))?.version ?? null);
      }
      throw error;
    }
  }

  async #put(
    tenantId: string,
    item: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await translateDynamoError(() =>
      this.#clientFor(tenantId).send(new PutCommand({ TableName: this.#tableName, Item: item, ...extra })),
    );
  }

  async #getItem(tenantId: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new GetCommand({ TableName: this.#tableName, Key: { pk, sk }, ConsistentRead: true }),
      ),
    );
    return out.Item;
  }
}
