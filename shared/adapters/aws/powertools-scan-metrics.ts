import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  SCAN_METRIC,
  SCAN_METRICS_NAMESPACE,
  type ScanMeasurement,
  type ScanMetrics,
} from '../../ports/metrics.ts';

/**
 * {@link ScanMetrics} with Powertools Metrics: one CloudWatch EMF log line
 * per scan (no API call: Lambda's log pipeline turns it into metrics).
 * Dimensions stay low-cardinality (the service; findings also by
 * `severity`); tenant, cluster and environment go in as metadata, readable
 * in Logs Insights without a metric per cluster. A failed scan emits only
 * `ScanDuration` and `ScanFailures` (no score, no finding counts).
 *
 * @example const metrics = new PowertoolsScanMetrics({ namespace: SCAN_METRICS_NAMESPACE, serviceName: 'plumbline' });
 */
export class PowertoolsScanMetrics implements ScanMetrics {
  readonly #namespace: string;
  readonly #serviceName: string;

  constructor(options: { namespace?: string; serviceName?: string } = {}) {
    this.#namespace = options.namespace ?? SCAN_METRICS_NAMESPACE;
    this.#serviceName = options.serviceName ?? 'plumbline';
  }

  record(m: ScanMeasurement): void {
    const metrics = this.#metrics();
    metrics.addMetadata('tenant', m.tenantId);
    metrics.addMetadata('cluster', m.clusterId);
    metrics.addMetadata('env', m.env);
    metrics.addMetric(SCAN_METRIC.scanDuration, MetricUnit.Milliseconds, m.durationMs);
    metrics.addMetric(SCAN_METRIC.scanFailures, MetricUnit.Count, m.failed ? 1 : 0);
    if (!m.failed) metrics.addMetric(SCAN_METRIC.driftScore, MetricUnit.NoUnit, m.driftScore);
    metrics.publishStoredMetrics();
    // A failed scan measured no findings: zeros would drag the severity series down.
    if (m.failed) return;
    for (const [severity, count] of Object.entries(m.counts)) {
      const bySeverity = this.#metrics();
      bySeverity.addDimension('severity', severity);
      bySeverity.addMetric(SCAN_METRIC.findings, MetricUnit.Count, count);
      bySeverity.publishStoredMetrics();
    }
  }

  #metrics(): Metrics {
    return new Metrics({ namespace: this.#namespace, serviceName: this.#serviceName });
  }
}
