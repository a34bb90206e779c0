import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { contentHash } from '../../domain/canonical-hash.ts';
import type { AuditEvent, AuditLog, AuditRecord } from '../../ports/audit-log.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** Partition of a tenant's audit trail. */
export function auditPartition(tenantId: string): string {
  return `${tenantId}#audit`;
}

const seqKey = (seq: number) => `e#${String(seq).padStart(12, '0')}`;

/** The hash of a record: SHA-256 of the canonical event with its sequence number and predecessor's hash. */
export function auditHash(event: AuditEvent, seq: number, prevHash: string | null): string {
  return contentHash({ ...event, seq, prevHash });
}

/**
 * {@link AuditLog} on the single table: one immutable item per event under
 * `<tenant>#audit`, numbered 1, 2, 3 ... and hash-chained (each record's
 * hash covers the previous one's), so that a removed or edited event breaks
 * the chain. Appends are conditional puts of the next number; a lost race
 * re-reads the tail and tries again.
 *
 * @example await new DynamoDbAuditLog({ tableName, clientFor }).append('acme', event)
 */
export class DynamoDbAuditLog implements AuditLog {
  readonly #tableName: string;
  readonly #clientFor: DocumentClientFor;

  constructor(options: { tableName: string; clientFor: DocumentClientFor }) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
  }

  async append(tenantId: string, event: AuditEvent): Promise<AuditRecord> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const tail = await this.#tail(tenantId);
      const seq = (tail?.seq ?? 0) + 1;
      const prevHash = tail?.hash ?? null;
      const record: AuditRecord = { ...event, seq, prevHash, hash: auditHash(event, seq, prevHash) };
      try {
        await translateDynamoError(() =>
          this.#clientFor(tenantId).send(
            new PutCommand({
              TableName: this.#tableName,
              Item: { pk: auditPartition(tenantId), sk: seqKey(seq), tenantId, ...record },
              // Why: append-only. Number N is written once; a rival's N makes us re-read the tail.
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        );
        return record;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new Error('could not append the audit event: too many concurrent writers');
  }

  async list(tenantId: string, options: { limit: number; afterSeq?: number }): Promise<AuditRecord[]> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: {
            ':pk': auditPartition(tenantId),
            ':after': seqKey(options.afterSeq ?? 0),
          },
          Limit: options.limit,
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? []).map(toRecord);
  }

  async #tail(tenantId: string): Promise<AuditRecord | undefined> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditPartition(tenantId) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = out.Items?.[0];
    return item ? toRecord(item) : undefined;
  }
}

function toRecord(item: Record<string, unknown>): AuditRecord {
  const { pk: _pk, sk: _sk, tenantId: _t, ...rest } = item;
  return rest as unknown as AuditRecord;
}
