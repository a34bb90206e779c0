import { DynamoDbClusterStore } from '../adapters/aws/dynamodb-cluster-store.ts';
import type { ClusterStore } from '../ports/cluster-store.ts';
import type { ReportStore } from '../ports/report-store.ts';
import type { ScanQueue } from '../ports/scan-queue.ts';
import type { TenantTable } from './aws-approval-ports.ts';
import type { Env } from './base-ports.ts';
import { ENV } from './env-vars.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';

/**
 * Cluster, scan and report-summary items in the tenant's `<tenant>#drift`
 * partition, behind the tenant-scoped clients of `table`; `systemClient`
 * is the dispatcher's own cross-tenant reader (it lists every tenant's clusters).
 */
export function clusterStoreFrom(
  table: TenantTable,
  systemClient?: ConstructorParameters<typeof DynamoDbClusterStore>[0]['systemClient'],
): ClusterStore {
  return new DynamoDbClusterStore({ ...table, ...(systemClient ? { systemClient } : {}) });
}

/** The reports bucket (S3); the S3 client loads, and the variable is checked, on first use. */
export function reportStoreFrom(env: Env): ReportStore {
  return lazyPort<ReportStore>(async () => {
    const [bucket] = requireEnv(env, [ENV.reportsBucket]) as [string];
    const { S3ReportStore } = await import('../adapters/aws/s3-report-store.ts');
    return new S3ReportStore({ bucket });
  });
}

/** The scan queue (SQS); the SQS client loads, and the variable is checked, on first use. */
export function scanQueueFrom(env: Env): ScanQueue {
  return lazyPort<ScanQueue>(async () => {
    const [queueUrl] = requireEnv(env, [ENV.scanQueueUrl]) as [string];
    const { SqsScanQueue } = await import('../adapters/aws/sqs-scan-queue.ts');
    return new SqsScanQueue({ queueUrl });
  });
}
