import type { ContextDeps } from '../http/context-ports.ts';
import { type Env, tenantTableOnFirstUseFrom } from './aws-approval-ports.ts';
import { clusterStoreFrom, reportStoreFrom, scanQueueFrom } from './aws-drift-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/**
 * The composition root of the clusters context on AWS (issue 14): cluster,
 * scan and report-summary items behind tenant-scoped sessions, report files
 * and pushed observations in the reports bucket, and the scan queue. S3 and
 * SQS load on first use (a listing touches neither).
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('clusters'), buildAwsClustersDeps(process.env)));
 */
export function buildAwsClustersDeps(env: Env): ContextDeps<'clusters'> {
  return {
    ...basePortsFrom(env),
    clusters: clusterStoreFrom(tenantTableOnFirstUseFrom(env)),
    reports: reportStoreFrom(env),
    scanQueue: scanQueueFrom(env),
  };
}
