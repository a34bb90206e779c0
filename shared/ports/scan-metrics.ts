import type { SeverityCounts } from '../domain/drift/drift-score.ts';

/** What one scan measured. */
export interface ScanMeasurement {
  tenantId: string;
  clusterId: string;
  env: string;
  driftScore: number;
  counts: SeverityCounts;
  durationMs: number;
  /** The cluster could not be read (or the scan threw). */
  failed: boolean;
}

/**
 * Scan metrics: Powertools Metrics (CloudWatch EMF) on AWS, the log locally.
 * `DriftScore`, `Findings` by severity, `ScanDuration` and `ScanFailures`.
 */
export interface ScanMetrics {
  record(measurement: ScanMeasurement): void;
}

/** A source of EKS bearer tokens (`k8s-aws-v1.…`), signing under the scanner's credentials or an assumed role. */
export interface EksTokenSource {
  token(cluster: { clusterName: string; region: string; roleArn?: string }): Promise<string>;
}
