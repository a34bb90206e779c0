import { createDocumentClient } from '../adapters/aws/dynamodb-clients.ts';
import type { DispatcherDeps } from '../use-cases/drift/scanner-deps.ts';
import { type Env, tenantTableOnFirstUseFrom } from './aws-approval-ports.ts';
import { clusterStoreFrom, scanQueueFrom } from './aws-drift-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/**
 * The composition root of the drift dispatcher on AWS (issue 14): the
 * clusters of every tenant, listed with the function's own role (a Scan
 * that IAM limits to the key and cluster-id attributes), queued scan
 * records written through tenant-scoped sessions, and the scan queue.
 *
 * @example deps ??= buildAwsDriftDispatcherDeps(process.env);
 */
export function buildAwsDriftDispatcherDeps(env: Env): DispatcherDeps {
  return {
    ...basePortsFrom(env),
    clusters: clusterStoreFrom(tenantTableOnFirstUseFrom(env), createDocumentClient()),
    scanQueue: scanQueueFrom(env),
  };
}
