import { describe, expect, it } from 'vitest';
import { MemoryReportStore } from '../../../../shared/adapters/local/local-scan-report-store.ts';
import type { ClusterRecord, ClusterStore, ScanRecord } from '../../../../shared/ports/cluster-store.ts';
import { observationKey } from '../../../../shared/ports/report-store.ts';
import { scanCluster } from '../../../../shared/use-cases/drift/scan-cluster.ts';
import type { ScannerDeps } from '../../../../shared/use-cases/drift/scanner-deps.ts';
import { InMemoryDocumentStore } from '../../../support/in-memory-document-store.ts';
import { storeWatchShopPolicy } from './watch-shop-policy.ts';

const TENANT = 'acme';

const pushCluster: ClusterRecord = {
  id: 'pushed',
  tenantId: TENANT,
  name: 'pushed',
  env: 'dev',
  auth: { type: 'push' },
  createdAt: '2026-05-01T00:00:00.000Z',
  createdBy: 'ada',
};

/**
 * A report store that answers reads as S3 does for a role with
 * s3:GetObject but no s3:ListBucket: a missing key is a 403 AccessDenied,
 * not a NoSuchKey. Writes are kept.
 */
class AccessDeniedOnReadStore extends MemoryReportStore {
  readonly reads: string[] = [];

  override async get(key: string): Promise<string | null> {
    this.reads.push(key);
    throw Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  }

  /** What was written under `key`, read past the denial. */
  written(key: string): Promise<string | null> {
    return super.get(key);
  }
}

/** The scanner's ports around one push cluster that has never pushed an observation. */
async function harness() {
  const documents = new InMemoryDocumentStore();
  await storeWatchShopPolicy(documents, TENANT);
  const scans: ScanRecord[] = [];
  const reportsWritten: string[] = [];
  const clusters: Partial<ClusterStore> = {
    getCluster: async () => pushCluster,
    getScan: async () => null,
    putScan: async (scan) => {
      scans.push(scan);
    },
    recentScans: async () => [],
    putReport: async (report) => {
      reportsWritten.push(report.id);
    },
  };
  const reports = new AccessDeniedOnReadStore();
  const deps = {
    documents,
    clusters: clusters as ClusterStore,
    reports,
    clusterReader: { read: () => Promise.reject(new Error('a push cluster is never read through its API')) },
    eksTokens: { token: async () => 'k8s-aws-v1.test' },
    metrics: { record: () => undefined },
    limits: { clusterTimeoutMs: 5_000, requestTimeoutMs: 1_000, allowLoopback: false },
    clock: { now: () => new Date('2026-05-02T00:00:00.000Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    publicUrl: () => 'https://plumbline.example.com',
  } as unknown as ScannerDeps;
  return { deps, reports, scans, reportsWritten };
}

describe('scanCluster, push clusters', () => {
  it('reports observation-stale without reading the store while no observation was pushed (a denied read of a missing key cannot fail the scan)', async () => {
    // Prepare
    const h = await harness();

    // Act
    const scan = await scanCluster(h.deps, { tenantId: TENANT, clusterId: 'pushed', scanId: 's-1' });

    // Assess
    expect(scan).toMatchObject({
      state: 'failed',
      reportId: 's-1',
      error: 'No observation has been pushed for this cluster yet',
    });
    expect(h.reportsWritten).toEqual(['s-1']);
    const report = JSON.parse((await h.reports.written(`${TENANT}/dev/pushed/s-1.json`)) ?? '{}');
    expect(report.errors).toEqual([
      { code: 'observation-stale', message: 'No observation has been pushed for this cluster yet' },
    ]);
    expect(h.reports.reads).not.toContain(observationKey(TENANT, 'pushed'));
  });
});
