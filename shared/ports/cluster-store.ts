import type { SeverityCounts } from '../domain/drift/drift-score.ts';
import type { ScanSamples } from '../domain/drift/history-rules.ts';

/** How the scanner authenticates to a cluster, or that it reads pushed observations. */
export type ClusterAuth =
  | { type: 'token'; secret: string }
  | { type: 'eks'; clusterName: string; region: string; roleArn?: string | undefined }
  | { type: 'push' };

/** A registered cluster (item `cluster#<id>` in the tenant's drift partition). */
export interface ClusterRecord {
  id: string;
  tenantId: string;
  name: string;
  env: string;
  endpoint?: string;
  caData?: string;
  auth: ClusterAuth;
  /** Push clusters: an observation older than this is `observation-stale`. */
  maxObservationAgeMinutes?: number;
  /** Push clusters: when the latest observation arrived. */
  observedAt?: string;
  createdAt: string;
  createdBy: string;
}

/** The state of one scan (item `scan#<cluster>#<scanId>`). */
export interface ScanRecord {
  id: string;
  tenantId: string;
  clusterId: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  requestedAt: string;
  requestedBy: string;
  reportId?: string;
  error?: string;
  /** The engine's samples of this scan: the history of the next ones. */
  samples?: ScanSamples;
}

/** What a report listing shows (item `report#<scannedAt>#<id>`); the full report is in the report store. */
export interface ReportSummary {
  id: string;
  tenantId: string;
  cluster: string;
  clusterName: string;
  env: string;
  scannedAt: string;
  driftScore: number;
  counts: SeverityCounts;
  workloads: number;
  errors: number;
  /** Report store keys of the JSON, HTML and SARIF files. */
  keys: { json: string; html: string; sarif: string };
}

/** A page of report summaries, newest first. */
export interface ReportPage {
  items: ReportSummary[];
  /** Opaque; pass back for the next page. `null` on the last. */
  next: string | null;
}

/** Filters of {@link ClusterStore.listReports}. */
export interface ReportQuery {
  cluster?: string;
  env?: string;
  /** ISO timestamp: only reports scanned at or after it. */
  since?: string;
  limit: number;
  cursor?: string;
}

/**
 * Clusters, scans and report summaries: items in the one table under the
 * tenant (every key starts with the tenant id), plus a cross-tenant index
 * of cluster ids the scan dispatcher reads.
 */
export interface ClusterStore {
  /** Adds a cluster (and its dispatcher index entry). */
  putCluster(cluster: ClusterRecord): Promise<void>;
  /** The cluster, or `null` (also for another tenant's id). */
  getCluster(tenantId: string, id: string): Promise<ClusterRecord | null>;
  listClusters(tenantId: string): Promise<ClusterRecord[]>;
  deleteCluster(tenantId: string, id: string): Promise<void>;
  /** Every tenant's clusters, as the dispatcher enqueues them. */
  listAllClusters(): Promise<{ tenantId: string; clusterId: string }[]>;
  putScan(scan: ScanRecord): Promise<void>;
  getScan(tenantId: string, clusterId: string, scanId: string): Promise<ScanRecord | null>;
  /** The last `limit` finished scans of a cluster with samples, newest first. */
  recentScans(tenantId: string, clusterId: string, limit: number): Promise<ScanRecord[]>;
  putReport(summary: ReportSummary): Promise<void>;
  getReport(tenantId: string, id: string): Promise<ReportSummary | null>;
  listReports(tenantId: string, query: ReportQuery): Promise<ReportPage>;
}
