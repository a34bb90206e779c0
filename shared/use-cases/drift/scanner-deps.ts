import type { ClusterReader } from '../../ports/cluster-reader.ts';
import type { ClusterStore } from '../../ports/cluster-store.ts';
import type { ReportStore } from '../../ports/report-store.ts';
import type { EksTokenSource, ScanMetrics } from '../../ports/scan-metrics.ts';
import type { ScanQueue } from '../../ports/scan-queue.ts';
import type { Deps } from '../deps.ts';
import type { HostResolver } from './guard-endpoint.ts';

/** Limits of one scan. */
export interface ScanLimits {
  /** Abort reading one cluster after this long (default 60 s). */
  clusterTimeoutMs: number;
  /** Abort one API request after this long (default 10 s). */
  requestTimeoutMs: number;
  /** Connect to loopback clusters (the local runtime with `PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS=1`). */
  allowLoopback: boolean;
  /** DNS resolution (tests inject answers). */
  resolve?: HostResolver;
}

/**
 * The ports of the scanner (a system principal, not a user): the tenant's
 * documents (drift policy, settings, environment), the secret store with its
 * keys and audit trail (cluster tokens, read as `system:drift-scanner`),
 * clusters and scans, the report store, the cluster reader, EKS tokens,
 * alerts and metrics.
 */
export type ScannerDeps = Pick<
  Deps,
  'documents' | 'secrets' | 'keys' | 'audit' | 'notifier' | 'clock' | 'logger' | 'publicUrl'
> & {
  clusters: ClusterStore;
  reports: ReportStore;
  clusterReader: ClusterReader;
  eksTokens: EksTokenSource;
  metrics: ScanMetrics;
  limits: ScanLimits;
};

/** The ports of the dispatcher: every tenant's clusters, scan records and the queue. */
export interface DispatcherDeps extends Pick<Deps, 'clock' | 'logger'> {
  clusters: ClusterStore;
  scanQueue: ScanQueue;
}

/** The actor the scanner reads cluster tokens as (in the audit trail). */
export const SCANNER_ACTOR = 'system:drift-scanner';
