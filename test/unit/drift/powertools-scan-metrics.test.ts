import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { PowertoolsScanMetrics } from '../../../shared/adapters/aws/powertools-scan-metrics.ts';
import type { ScanMeasurement } from '../../../shared/ports/scan-metrics.ts';

/** One CloudWatch embedded-metric-format line as Powertools writes it to stdout. */
interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

const SCAN: ScanMeasurement = {
  tenantId: 'acme',
  clusterId: 'c-shop',
  env: 'prod',
  driftScore: 42,
  counts: { critical: 1, high: 2, medium: 0, low: 3 },
  durationMs: 1234,
  failed: false,
};

/** The `CloudWatchMetrics` directive of one line: the namespace, one dimension set, the metrics. */
const directive = (dimensions: string[], metrics: [string, string][]) => [
  {
    Namespace: 'Plumbline/Drift',
    Dimensions: [dimensions],
    Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })),
  },
];

let write: MockInstance<typeof process.stdout.write>;

/** The EMF lines written to stdout since the spy was installed. */
function emfLines(): EmfLine[] {
  return write.mock.calls
    .flatMap(([chunk]) => String(chunk).split('\n'))
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/** A line without its timestamp, for exact comparison. */
function withoutTimestamp(line: EmfLine) {
  const { _aws, ...fields } = line;
  return { CloudWatchMetrics: _aws.CloudWatchMetrics, ...fields };
}

describe('PowertoolsScanMetrics (CloudWatch EMF on stdout)', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    vi.unstubAllEnvs();
  });

  it('emits DriftScore, ScanDuration and ScanFailures=0 under the service dimension, then Findings per severity, with tenant, cluster and env as metadata', () => {
    // Prepare
    const metrics = new PowertoolsScanMetrics({ namespace: 'Plumbline/Drift', serviceName: 'plumbline' });

    // Act
    metrics.record(SCAN);

    // Assess
    const lines = emfLines();
    expect(lines.map(withoutTimestamp)).toEqual([
      {
        CloudWatchMetrics: directive(
          ['service'],
          [
            ['ScanDuration', 'Milliseconds'],
            ['ScanFailures', 'Count'],
            ['DriftScore', 'None'],
          ],
        ),
        service: 'plumbline',
        ScanDuration: 1234,
        ScanFailures: 0,
        DriftScore: 42,
        tenant: 'acme',
        cluster: 'c-shop',
        env: 'prod',
      },
      ...(
        [
          ['critical', 1],
          ['high', 2],
          ['medium', 0],
          ['low', 3],
        ] as const
      ).map(([severity, count]) => ({
        CloudWatchMetrics: directive(['service', 'severity'], [['Findings', 'Count']]),
        service: 'plumbline',
        severity,
        Findings: count,
      })),
    ]);
    expect(lines.every((l) => Number.isInteger(l._aws.Timestamp))).toBe(true);
  });

  it('emits ScanFailures=1 and ScanDuration for a failed scan, and neither a drift score nor finding counts it did not measure', () => {
    // Prepare
    const metrics = new PowertoolsScanMetrics();

    // Act
    metrics.record({
      ...SCAN,
      driftScore: 0,
      counts: { critical: 0, high: 0, medium: 0, low: 0 },
      durationMs: 3000,
      failed: true,
    });

    // Assess
    expect(emfLines().map(withoutTimestamp)).toEqual([
      {
        CloudWatchMetrics: directive(
          ['service'],
          [
            ['ScanDuration', 'Milliseconds'],
            ['ScanFailures', 'Count'],
          ],
        ),
        service: 'plumbline',
        ScanDuration: 3000,
        ScanFailures: 1,
        tenant: 'acme',
        cluster: 'c-shop',
        env: 'prod',
      },
    ]);
  });
});
