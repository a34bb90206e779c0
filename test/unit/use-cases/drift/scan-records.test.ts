import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryReportStore } from '../../../../shared/adapters/local/local-scan-report-store.ts';
import type { ObservedState } from '../../../../shared/domain/drift/observed-state.ts';
import type { AppLogger } from '../../../../shared/ports/app-logger.ts';
import type { ClusterRecord, ClusterStore, ScanRecord } from '../../../../shared/ports/cluster-store.ts';
import type { ScanMeasurement } from '../../../../shared/ports/scan-metrics.ts';
import { SCAN_GRACE_MS, scanRecords } from '../../../../shared/use-cases/drift/scan-records.ts';
import type { ScannerDeps } from '../../../../shared/use-cases/drift/scanner-deps.ts';
import { InMemoryDocumentStore } from '../../../support/in-memory-document-store.ts';
import { storeWatchShopPolicy } from './watch-shop-policy.ts';

const TENANT = 'acme';
const CLUSTER_TIMEOUT_MS = 5_000;
const EMPTY_CLUSTER: ObservedState = { workloads: [], hpas: [] };

/** The SQS record of a scan of `clusterId`. */
const record = (messageId: string, clusterId: string) => ({
  messageId,
  body: JSON.stringify({ tenantId: TENANT, clusterId, scanId: `s-${clusterId}` }),
});

const cluster = (id: string): ClusterRecord => ({
  id,
  tenantId: TENANT,
  name: id,
  env: 'dev',
  endpoint: `https://${id}.k8s.example.com`,
  auth: { type: 'eks', clusterName: id, region: 'eu-west-1' },
  createdAt: '2026-05-01T00:00:00.000Z',
  createdBy: 'ada',
});

/**
 * The scanner's ports around a cluster store and a cluster reader the test
 * steers: `good-*` clusters are read when the test releases them, `throws`
 * fails its table read (outside the scan's own error handling), `hangs` is
 * never answered.
 */
async function harness() {
  // Why: a scan loads the endpoint guard with its first cluster read through an API; loaded here, so
  // that the fake clock below paces the scans and not the first import of a module.
  await import('../../../../shared/use-cases/drift/guard-endpoint.ts');
  const started: string[] = [];
  const releases = new Map<string, (state: ObservedState) => void>();
  const scans = new Map<string, ScanRecord>();
  const measurements: ScanMeasurement[] = [];
  const errors: { message: string; attributes: Record<string, unknown> }[] = [];
  const documents = new InMemoryDocumentStore();
  await storeWatchShopPolicy(documents, TENANT);
  const clusters: Partial<ClusterStore> = {
    getCluster: async (_tenant, id) => {
      if (id === 'throws') throw new Error('the cluster table is throttling');
      return cluster(id);
    },
    getScan: async (_tenant, clusterId, scanId) => ({
      id: scanId,
      tenantId: TENANT,
      clusterId,
      state: 'queued',
      requestedAt: '2026-05-01T00:00:00.000Z',
      requestedBy: 'system:drift-dispatcher',
    }),
    putScan: async (scan) => {
      scans.set(scan.clusterId, scan);
    },
    recentScans: async () => [],
    putReport: async () => undefined,
  };
  const logger: AppLogger = {
    info: () => undefined,
    warn: () => undefined,
    error: (message, attributes = {}) => errors.push({ message, attributes }),
  };
  const deps = {
    documents,
    clusters: clusters as ClusterStore,
    reports: new MemoryReportStore(),
    clusterReader: {
      read: (connection: { endpoint: string; tlsServerName?: string }) => {
        const id = (connection.tlsServerName ?? new URL(connection.endpoint).hostname).split(
          '.',
        )[0] as string;
        started.push(id);
        return new Promise<ObservedState>((resolve) => {
          if (id !== 'hangs') releases.set(id, resolve);
        });
      },
    },
    eksTokens: { token: async () => 'k8s-aws-v1.test' },
    metrics: { record: (m: ScanMeasurement) => measurements.push(m) },
    limits: {
      clusterTimeoutMs: CLUSTER_TIMEOUT_MS,
      requestTimeoutMs: 1_000,
      allowLoopback: false,
      resolve: async () => ['203.0.113.10'],
    },
    clock: { now: () => new Date() },
    logger,
    publicUrl: () => 'https://plumbline.example.com',
  } as unknown as ScannerDeps;
  return { deps, started, releases, scans, measurements, errors };
}

describe('scanRecords (the scanner SQS batch handler)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the malformed, throwing and timed-out messages in batchItemFailures while the good scans succeed', async () => {
    // Prepare
    const h = await harness();
    const batch = {
      Records: [
        record('m-good-1', 'good-1'),
        { messageId: 'm-not-json', body: '{"tenantId":' },
        { messageId: 'm-wrong-shape', body: JSON.stringify({ tenantId: TENANT, clusterId: 'good-1' }) },
        record('m-throws', 'throws'),
        record('m-hangs', 'hangs'),
        record('m-good-2', 'good-2'),
      ],
    };

    // Act
    const response = scanRecords(h.deps, batch);
    await vi.advanceTimersByTimeAsync(0);
    h.releases.get('good-1')?.(EMPTY_CLUSTER);
    h.releases.get('good-2')?.(EMPTY_CLUSTER);
    await vi.advanceTimersByTimeAsync(CLUSTER_TIMEOUT_MS + SCAN_GRACE_MS);
    const { batchItemFailures } = await response;

    // Assess
    expect(batchItemFailures).toEqual([
      { itemIdentifier: 'm-not-json' },
      { itemIdentifier: 'm-wrong-shape' },
      { itemIdentifier: 'm-throws' },
      { itemIdentifier: 'm-hangs' },
    ]);
    expect(h.scans.get('good-1')).toMatchObject({ state: 'succeeded', reportId: 's-good-1' });
    expect(h.scans.get('good-2')).toMatchObject({ state: 'succeeded', reportId: 's-good-2' });
    expect(h.scans.get('throws')).toBeUndefined();
    expect(h.scans.get('hangs')?.state).toBe('running');
    expect(h.measurements.map((m) => [m.clusterId, m.failed])).toEqual(
      expect.arrayContaining([
        ['good-1', false],
        ['good-2', false],
      ]),
    );
    expect(h.errors.map((e) => [e.attributes.messageId, e.attributes.error])).toEqual([
      ['m-not-json', 'the message is not a scan message'],
      ['m-wrong-shape', 'the message is not a scan message'],
      ['m-throws', 'the cluster table is throttling'],
      ['m-hangs', `the scan took longer than ${CLUSTER_TIMEOUT_MS + SCAN_GRACE_MS} ms`],
    ]);
  });

  it('scans the messages side by side: every cluster read is in flight before any is answered', async () => {
    // Prepare
    const h = await harness();
    const batch = { Records: [record('m-1', 'good-1'), record('m-2', 'good-2'), record('m-3', 'good-3')] };

    // Act
    const response = scanRecords(h.deps, batch);
    await vi.advanceTimersByTimeAsync(0);
    const inFlight = [...h.started];
    const scansBeforeAnyAnswer = [...h.scans.values()].map((s) => s.state);
    h.releases.get('good-3')?.(EMPTY_CLUSTER);
    await vi.advanceTimersByTimeAsync(0);
    const afterThird = h.scans.get('good-3')?.state;
    h.releases.get('good-1')?.(EMPTY_CLUSTER);
    h.releases.get('good-2')?.(EMPTY_CLUSTER);
    const { batchItemFailures } = await response;

    // Assess
    expect(inFlight.sort()).toEqual(['good-1', 'good-2', 'good-3']);
    expect(scansBeforeAnyAnswer).toEqual(['running', 'running', 'running']);
    expect(afterThird).toBe('succeeded');
    expect(batchItemFailures).toEqual([]);
  });
});
