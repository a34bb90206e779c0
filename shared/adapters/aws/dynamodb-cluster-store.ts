import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ClusterRecord,
  ClusterStore,
  ReportPage,
  ReportQuery,
  ReportSummary,
  ScanRecord,
} from '../../ports/cluster-store.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** The partition of a tenant's drift items: every key starts with the tenant id (IAM `LeadingKeys`). */
export function driftPartition(tenantId: string): string {
  return `${tenantId}#drift`;
}

const clusterKey = (id: string) => `cluster#${id}`;
const scanKey = (clusterId: string, scanId: string) => `scan#${clusterId}#${scanId}`;
const reportKey = (scannedAt: string, id: string) => `report#${scannedAt}#${id}`;
const reportIdKey = (id: string) => `reportid#${id}`;

/** Options of {@link DynamoDbClusterStore}. */
export interface DynamoDbClusterStoreOptions {
  tableName: string;
  clientFor: DocumentClientFor;
  /** The client of the dispatcher's cross-tenant read (a system role); defaults to `clientFor('')`. */
  systemClient?: ReturnType<DocumentClientFor>;
}

/**
 * {@link ClusterStore} on the single table: one partition per tenant
 * (`<tenant>#drift`) holding `cluster#<id>`, `scan#<cluster>#<scanId>`
 * (scan ids sort by time), `report#<scannedAt>#<id>` (listed newest first)
 * and `reportid#<id>` (read by id) items, each the record as JSON.
 *
 * @example new DynamoDbClusterStore({ tableName: 'plumbline', clientFor: () => client })
 */
export class DynamoDbClusterStore implements ClusterStore {
  readonly #tableName: string;
  readonly #clientFor: DocumentClientFor;
  readonly #systemClient: ReturnType<DocumentClientFor> | undefined;

  constructor(options: DynamoDbClusterStoreOptions) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
    this.#systemClient = options.systemClient;
  }

  async putCluster(cluster: ClusterRecord): Promise<void> {
    await this.#put(cluster.tenantId, clusterKey(cluster.id), cluster, { kind: 'cluster' });
  }

  getCluster(tenantId: string, id: string): Promise<ClusterRecord | null> {
    return this.#get<ClusterRecord>(tenantId, clusterKey(id));
  }

  async listClusters(tenantId: string): Promise<ClusterRecord[]> {
    const out = await this.#query(tenantId, 'cluster#', { limit: 1000, forward: true });
    return out.items as ClusterRecord[];
  }

  async deleteCluster(tenantId: string, id: string): Promise<void> {
    await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { pk: driftPartition(tenantId), sk: clusterKey(id) },
        }),
      ),
    );
  }

  async listAllClusters(): Promise<{ tenantId: string; clusterId: string }[]> {
    // Why a Scan: the dispatcher is a system function that reads every tenant's clusters once per
    // schedule tick; a cross-tenant index item would need a key outside the tenants' LeadingKeys.
    const client = this.#systemClient ?? this.#clientFor('');
    const found: { tenantId: string; clusterId: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await translateDynamoError(() =>
        client.send(
          new ScanCommand({
            TableName: this.#tableName,
            FilterExpression: '#k = :cluster',
            ExpressionAttributeNames: { '#k': 'kind' },
            ExpressionAttributeValues: { ':cluster': 'cluster' },
            ProjectionExpression: 'tenantId, clusterId',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        found.push({ tenantId: item.tenantId as string, clusterId: item.clusterId as string });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async putScan(scan: ScanRecord): Promise<void> {
    await this.#put(scan.tenantId, scanKey(scan.clusterId, scan.id), scan, { kind: 'scan' });
  }

  getScan(tenantId: string, clusterId: string, scanId: string): Promise<ScanRecord | null> {
    return this.#get<ScanRecord>(tenantId, scanKey(clusterId, scanId));
  }

  async recentScans(tenantId: string, clusterId: string, limit: number): Promise<ScanRecord[]> {
    const out = await this.#query(tenantId, `scan#${clusterId}#`, { limit: limit * 4, forward: false });
    return (out.items as ScanRecord[]).filter((s) => s.state === 'succeeded' && s.samples).slice(0, limit);
  }

  async putReport(summary: ReportSummary): Promise<void> {
    await this.#put(summary.tenantId, reportKey(summary.scannedAt, summary.id), summary, { kind: 'report' });
    await this.#put(summary.tenantId, reportIdKey(summary.id), summary, { kind: 'report-id' });
  }

  getReport(tenantId: string, id: string): Promise<ReportSummary | null> {
    return this.#get<ReportSummary>(tenantId, reportIdKey(id));
  }

  async listReports(tenantId: string, query: ReportQuery): Promise<ReportPage> {
    const items: ReportSummary[] = [];
    let cursor = query.cursor;
    // Why a loop: filters apply after DynamoDB's Limit, so a page may need several reads to fill.
    for (let reads = 0; reads < 10 && items.length < query.limit; reads++) {
      const out = await this.#query(tenantId, 'report#', {
        limit: query.limit,
        forward: false,
        ...(query.since ? { from: `report#${query.since}` } : {}),
        ...(cursor ? { cursor } : {}),
      });
      for (const item of out.items as ReportSummary[]) {
        if (query.cluster && item.cluster !== query.cluster) continue;
        if (query.env && item.env !== query.env) continue;
        items.push(item);
      }
      cursor = out.next ?? undefined;
      if (!cursor) break;
    }
    return {
      items: items.slice(0, query.limit),
      next: items.length >= query.limit ? (cursor ?? null) : null,
    };
  }

  async #put(tenantId: string, sk: string, record: object, extra: Record<string, string>): Promise<void> {
    const clusterId = 'clusterId' in record ? record.clusterId : 'id' in record ? record.id : undefined;
    await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: driftPartition(tenantId),
            sk,
            tenantId,
            clusterId,
            record: JSON.stringify(record),
            ...extra,
          },
        }),
      ),
    );
  }

  async #get<T>(tenantId: string, sk: string): Promise<T | null> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new GetCommand({ TableName: this.#tableName, Key: { pk: driftPartition(tenantId), sk } }),
      ),
    );
    return out.Item ? (JSON.parse(out.Item.record as string) as T) : null;
  }

  async #query(
    tenantId: string,
    prefix: string,
    options: { limit: number; forward: boolean; from?: string; cursor?: string },
  ): Promise<{ items: unknown[]; next: string | null }> {
    const pk = driftPartition(tenantId);
    const range = options.from
      ? {
          expr: 'pk = :pk AND sk BETWEEN :from AND :to',
          values: { ':from': options.from, ':to': `${prefix}~` },
        }
      : { expr: 'pk = :pk AND begins_with(sk, :prefix)', values: { ':prefix': prefix } };
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: range.expr,
          ExpressionAttributeValues: { ':pk': pk, ...range.values },
          ScanIndexForward: options.forward,
          Limit: options.limit,
          ...(options.cursor
            ? { ExclusiveStartKey: { pk, sk: Buffer.from(options.cursor, 'base64url').toString('utf8') } }
            : {}),
        }),
      ),
    );
    const last = out.LastEvaluatedKey?.sk as string | undefined;
    return {
      items: (out.Items ?? []).map((item) => JSON.parse(item.record as string) as unknown),
      next: last ? Buffer.from(last, 'utf8').toString('base64url') : null,
    };
  }
}
