import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import {
  type ChangeRequestQuery,
  type ChangeRequestStore,
  StaleRevisionError,
} from '../../ports/change-request-store.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** Partition of a tenant's change requests: starts with the tenant id (IAM LeadingKeys). */
export function changeRequestPartition(tenantId: string): string {
  return `${tenantId}#change-requests`;
}

/** Partition of a tenant's used approval-link ids. */
export function usedLinkPartition(tenantId: string): string {
  return `${tenantId}#approval-links`;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error).name === 'ConditionalCheckFailedException'
  );
}

/**
 * {@link ChangeRequestStore} on the one table: `pk = <tenant>#change-requests`,
 * `sk = cr#<id>` (ids are time-ordered, so a descending Query lists newest
 * first). The proposal, its diff and its recorded effective change are gzipped (content may be 256 KiB);
 * `status`, `env` and `revision` stay plain for filters and conditions.
 *
 * @example new DynamoDbChangeRequestStore({ tableName: 'plumbline', clientFor: () => docClient })
 */
export class DynamoDbChangeRequestStore implements ChangeRequestStore {
  readonly #tableName: string;
  readonly #clientFor: DocumentClientFor;

  constructor(options: { tableName: string; clientFor: DocumentClientFor }) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
  }

  async create(request: ChangeRequest): Promise<void> {
    await translateDynamoError(() =>
      this.#clientFor(request.tenantId).send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...toItem(request), writeId: randomUUID() },
          // Why: ids are unique; never overwrite an existing request.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(tenantId: string, id: string): Promise<ChangeRequest | null> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { pk: changeRequestPartition(tenantId), sk: `cr#${id}` },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item ? fromItem(out.Item) : null;
  }

  async list(
    tenantId: string,
    query: ChangeRequestQuery,
  ): Promise<{ items: ChangeRequest[]; next: string | null }> {
    const items: ChangeRequest[] = [];
    let startKey: Record<string, unknown> | undefined =
      query.after === undefined
        ? undefined
        : { pk: changeRequestPartition(tenantId), sk: `cr#${query.after}` };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': changeRequestPartition(tenantId), ':prefix': 'cr#' };
    const filters: string[] = [];
    if (query.status !== undefined) {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    if (query.env !== undefined) {
      names['#env'] = 'env';
      values[':env'] = query.env;
      filters.push('#env = :env');
    }
    if (query.envs !== undefined) {
      names['#env'] = 'env';
      const keys = query.envs.map((env, i) => {
        values[`:env${i}`] = env;
        return `:env${i}`;
      });
      filters.push(keys.length > 0 ? `#env IN (${keys.join(', ')})` : 'attribute_not_exists(pk)');
    }
    // Filters apply after the read, so a page may come back short: keep reading until full or exhausted.
    for (let round = 0; round < 20 && items.length < query.limit; round++) {
      const out = await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: values,
            ...(filters.length > 0
              ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
              : {}),
            ScanIndexForward: false,
            Limit: Math.max(query.limit * 2, 20),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        if (items.length < query.limit) items.push(fromItem(item));
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    const last = items.at(-1);
    const more = items.length === query.limit && last !== undefined;
    return { items, next: more ? last.id : null };
  }

  async replace(next: ChangeRequest): Promise<void> {
    const writeId = randomUUID();
    await translateDynamoError(async () => {
      try {
        await this.#clientFor(next.tenantId).send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { ...toItem(next), writeId },
            // Why: each transition is based on the state it read (revision N-1). If the
            // stored revision moved on, someone else decided first; this write must lose.
            ConditionExpression: 'attribute_exists(pk) AND #revision = :previous',
            ExpressionAttributeNames: { '#revision': 'revision' },
            ExpressionAttributeValues: { ':previous': next.revision - 1 },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Why: an SDK retry of a put that landed fails its own condition; that write was ours.
        const stored = await this.#clientFor(next.tenantId).send(
          new GetCommand({
            TableName: this.#tableName,
            Key: { pk: changeRequestPartition(next.tenantId), sk: `cr#${next.id}` },
            ConsistentRead: true,
          }),
        );
        if (stored.Item?.writeId === writeId) return;
        throw new StaleRevisionError(next.id);
      }
    });
  }

  async markLinkUsed(tenantId: string, jti: string, expiresAt: Date): Promise<boolean> {
    try {
      await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new PutCommand({
            TableName: this.#tableName,
            Item: {
              pk: usedLinkPartition(tenantId),
              sk: `jti#${jti}`,
              usedAt: new Date().toISOString(),
              // DynamoDB TTL removes the record once the link could not be used anyway.
              expiresAt: Math.ceil(expiresAt.getTime() / 1000) + 86400,
            },
            // Why: a link works once. The first use creates the record; every later use fails here.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toItem(request: ChangeRequest): Record<string, unknown> {
  const { proposed, patch, effective, history, decisions, approvers, ...rest } = request;
  return {
    pk: changeRequestPartition(request.tenantId),
    sk: `cr#${request.id}`,
    ...rest,
    target: JSON.stringify(rest.target),
    failure: rest.failure === null ? null : JSON.stringify(rest.failure),
    taskToken: rest.taskToken === null ? null : JSON.stringify(rest.taskToken),
    approvers: JSON.stringify(approvers),
    decisions: JSON.stringify(decisions),
    history: JSON.stringify(history),
    // Requests are kept (the table's TTL attribute, `expiresAt`, is an ISO string here, which TTL ignores).
    // The recorded effective change is bounded (EFFECTIVE_LIMITS) and compresses with the proposal.
    bodyGz: gzipSync(JSON.stringify({ proposed, patch, effective })),
  };
}

function fromItem(item: Record<string, unknown>): ChangeRequest {
  const body = JSON.parse(gunzipSync(item.bodyGz as Uint8Array).toString('utf8')) as Pick<
    ChangeRequest,
    'proposed' | 'patch'
  > & { effective?: ChangeRequest['effective'] };
  const json = <T>(value: unknown, fallback: T): T =>
    typeof value === 'string' ? (JSON.parse(value) as T) : fallback;
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    env: String(item.env),
    target: json(item.target, { collection: '', key: '' }),
    operation: String(item.operation),
    baseVersion: typeof item.baseVersion === 'number' ? item.baseVersion : null,
    proposed: body.proposed,
    patch: body.patch,
    // Requests stored before effective changes were recorded have none (their apply step skips the check).
    effective: body.effective ?? null,
    reason: String(item.reason),
    ticket: typeof item.ticket === 'string' ? item.ticket : null,
    requester: String(item.requester),
    ...(typeof item.requesterEmail === 'string' ? { requesterEmail: item.requesterEmail } : {}),
    createdAt: String(item.createdAt),
    expiresAt: String(item.expiresAt),
    approvalTimeoutSeconds: Number(item.approvalTimeoutSeconds),
    requiredApprovals: Number(item.requiredApprovals),
    approvers: json(item.approvers, []),
    decisions: json(item.decisions, []),
    status: item.status as ChangeRequest['status'],
    revision: Number(item.revision),
    history: json(item.history, []),
    appliedVersion: typeof item.appliedVersion === 'number' ? item.appliedVersion : null,
    executionId: typeof item.executionId === 'string' ? item.executionId : null,
    taskToken: json(item.taskToken, null),
    failure: json(item.failure, null),
    slackWebhookSecret: typeof item.slackWebhookSecret === 'string' ? item.slackWebhookSecret : null,
  };
}
