export type { ScanMeasurement, ScanMetrics } from './scan-metrics.ts';

/**
 * The metrics the drift scanner emits through its {@link ScanMetrics} port
 * (Powertools Metrics on AWS, a log line locally), by name: the CDK alarms
 * watch the same names, so the two cannot drift apart.
 */
export const SCAN_METRIC = {
  driftScore: 'DriftScore',
  findings: 'Findings',
  scanDuration: 'ScanDuration',
  scanFailures: 'ScanFailures',
} as const;

/** The CloudWatch namespace of the scanner's metrics. */
export const SCAN_METRICS_NAMESPACE = 'Plumbline/Drift';
