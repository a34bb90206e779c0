import { ClusterReadError } from '../../domain/drift/cluster-read-error.ts';
import { type DriftResult, detectDrift } from '../../domain/drift/detect-drift.ts';
import {
  buildDriftReport,
  type DriftReport,
  type DriftReportError,
  desiredStateHash,
} from '../../domain/drift/drift-report.ts';
import { FLAPPING_WINDOW } from '../../domain/drift/history-rules.ts';
import type { ObservedState } from '../../domain/drift/observed-state.ts';
import { parseObservations } from '../../domain/drift/parse-observations.ts';
import { renderReportHtml } from '../../domain/drift/report-html.ts';
import { renderReportSarif } from '../../domain/drift/report-sarif.ts';
import type { ClusterRecord, ScanRecord } from '../../ports/cluster-store.ts';
import { observationKey, reportKeys } from '../../ports/report-store.ts';
import type { ScanMessage } from '../../ports/scan-queue.ts';
import type { SecretsDeps } from '../secrets/secrets-deps.ts';
import { loadDesiredState } from './load-desired-state.ts';
import { publishDriftAlert } from './publish-drift-alert.ts';
import { SCANNER_ACTOR, type ScannerDeps } from './scanner-deps.ts';

/** Default minutes after which a pushed observation is stale. */
export const DEFAULT_MAX_OBSERVATION_AGE_MINUTES = 30;

/**
 * Runs one scan of one cluster: marks the scan running, loads the desired
 * state (drift policy and effective settings), observes the cluster (its
 * API with a secret or EKS token, through the endpoint guard, or its latest
 * pushed observation), runs the drift engine with the last scans' samples,
 * writes the report (JSON, HTML, SARIF) to the report store and its summary
 * to the table, alerts on high and critical findings and records metrics.
 * A cluster that cannot be read gives a report with `errors` and a failed
 * scan, never an exception: one broken cluster delays no other.
 *
 * @example await scanCluster(deps, { tenantId: 'acme', clusterId: 'c-1', scanId: 's-1' });
 */
export async function scanCluster(deps: ScannerDeps, message: ScanMessage): Promise<ScanRecord | null> {
  const started = deps.clock.now();
  const cluster = await deps.clusters.getCluster(message.tenantId, message.clusterId);
  const queued = await deps.clusters.getScan(message.tenantId, message.clusterId, message.scanId);
  if (!cluster) {
    if (!queued) return null;
    return finish(deps, { ...queued, state: 'failed', error: 'the cluster was removed' });
  }
  const scan: ScanRecord = queued ?? {
    id: message.scanId,
    tenantId: message.tenantId,
    clusterId: message.clusterId,
    state: 'queued',
    requestedAt: started.toISOString(),
    requestedBy: SCANNER_ACTOR,
  };
  await deps.clusters.putScan({ ...scan, state: 'running' });
  try {
    const desired = await loadDesiredState(deps, cluster.tenantId, cluster.env);
    if (!desired) {
      return await failScan(deps, cluster, scan, started, `No drift policy for environment '${cluster.env}'`);
    }
    const errors: DriftReportError[] = [];
    let observed: ObservedState | undefined;
    try {
      observed = await observe(deps, cluster, desired.policy.watch, errors, message.scanId);
    } catch (error) {
      if (!(error instanceof ClusterReadError)) throw error;
      errors.push({ code: error.code, message: error.message });
    }
    const history = (await deps.clusters.recentScans(cluster.tenantId, cluster.id, FLAPPING_WINDOW - 1))
      .reverse()
      .flatMap((s) => (s.samples ? [s.samples] : []));
    const result: DriftResult | undefined = observed
      ? detectDrift({
          policy: desired.policy,
          services: desired.services,
          observed,
          environment: desired.environment,
          history,
        })
      : undefined;
    const report = buildDriftReport(
      {
        id: scan.id,
        cluster: cluster.id,
        clusterName: cluster.name,
        env: cluster.env,
        scannedAt: started.toISOString(),
        durationMs: deps.clock.now().getTime() - started.getTime(),
        driftPolicyVersion: desired.policyVersion,
        layers: desired.layers,
      },
      result,
      desiredStateHash(desired.policy, desired.services),
      errors,
    );
    await storeReport(deps, cluster, report);
    await publishDriftAlert(deps, cluster, report);
    deps.metrics.record({
      tenantId: cluster.tenantId,
      clusterId: cluster.id,
      env: cluster.env,
      driftScore: report.driftScore,
      counts: report.counts,
      durationMs: report.durationMs,
      failed: result === undefined,
    });
    return await finish(deps, {
      ...scan,
      state: result ? 'succeeded' : 'failed',
      reportId: report.id,
      ...(result ? { samples: result.samples } : { error: errors.map((e) => e.message).join('; ') }),
    });
  } catch (error) {
    deps.logger.error('scan failed', { cluster: cluster.id, scan: scan.id, error: (error as Error).message });
    return failScan(deps, cluster, scan, started, 'The scan failed unexpectedly; see the scanner log');
  }
}

async function failScan(
  deps: ScannerDeps,
  cluster: ClusterRecord,
  scan: ScanRecord,
  started: Date,
  error: string,
): Promise<ScanRecord> {
  deps.metrics.record({
    tenantId: cluster.tenantId,
    clusterId: cluster.id,
    env: cluster.env,
    driftScore: 0,
    counts: { critical: 0, high: 0, medium: 0, low: 0 },
    durationMs: deps.clock.now().getTime() - started.getTime(),
    failed: true,
  });
  return finish(deps, { ...scan, state: 'failed', error });
}

async function finish(deps: ScannerDeps, scan: ScanRecord): Promise<ScanRecord> {
  await deps.clusters.putScan(scan);
  return scan;
}

/** Reads the cluster: its API (token or EKS auth, guarded endpoint) or its latest pushed observation. */
async function observe(
  deps: ScannerDeps,
  cluster: ClusterRecord,
  watch: { namespaces: string[]; labelSelector?: string | undefined },
  errors: DriftReportError[],
  scanId: string,
): Promise<ObservedState> {
  const auth = cluster.auth;
  if (auth.type === 'push') {
    // Why observedAt first: until the first push there is no object, and a role without s3:ListBucket
    // is answered 403 AccessDenied for a missing key (not NoSuchKey), which would fail the scan.
    const body = cluster.observedAt
      ? await deps.reports.get(observationKey(cluster.tenantId, cluster.id))
      : null;
    if (body === null || !cluster.observedAt) {
      throw new ClusterReadError('observation-stale', 'No observation has been pushed for this cluster yet');
    }
    const maxAge = cluster.maxObservationAgeMinutes ?? DEFAULT_MAX_OBSERVATION_AGE_MINUTES;
    const ageMinutes = (deps.clock.now().getTime() - Date.parse(cluster.observedAt)) / 60_000;
    if (ageMinutes > maxAge) {
      errors.push({
        code: 'observation-stale',
        message: `The latest observation is ${Math.floor(ageMinutes)} minutes old (more than ${maxAge}); push a fresh one`,
      });
    }
    return parseObservations(body);
  }
  // The endpoint guard (DNS, address checks) loads with the first cluster read through its API: push clusters never need it.
  const { guardEndpoint } = await import('./guard-endpoint.ts');
  const guarded = await guardEndpoint(cluster.endpoint as string, {
    allowLoopback: deps.limits.allowLoopback,
    ...(deps.limits.resolve ? { resolve: deps.limits.resolve } : {}),
  });
  const bearerToken =
    auth.type === 'token'
      ? () => secretToken(deps, cluster, auth.secret, scanId)
      : () =>
          deps.eksTokens.token({
            clusterName: auth.clusterName,
            region: auth.region,
            ...(auth.roleArn ? { roleArn: auth.roleArn } : {}),
          });
  return deps.clusterReader.read(
    {
      endpoint: guarded.endpoint,
      ...(guarded.tlsServerName ? { tlsServerName: guarded.tlsServerName } : {}),
      ...(cluster.caData ? { caData: cluster.caData } : {}),
      bearerToken,
    },
    {
      namespaces: watch.namespaces,
      ...(watch.labelSelector ? { labelSelector: watch.labelSelector } : {}),
      clusterTimeoutMs: deps.limits.clusterTimeoutMs,
      requestTimeoutMs: deps.limits.requestTimeoutMs,
    },
  );
}

/**
 * The cluster's bearer token: the current version of a secret in the
 * cluster's environment, read as the scanner (a system principal, audited
 * as `system:drift-scanner`), not through a user's secret-reader role.
 */
async function secretToken(
  deps: ScannerDeps,
  cluster: ClusterRecord,
  name: string,
  scanId: string,
): Promise<string> {
  const ref = { tenantId: cluster.tenantId, env: cluster.env, name };
  const head = await deps.secrets.get(ref);
  if (head?.state !== 'active') {
    throw new ClusterReadError(
      'cluster-unauthorized',
      `The token secret '${name}' does not exist in environment '${cluster.env}'`,
    );
  }
  // Reading a secret's value (envelope decryption, audit) loads with the first cluster whose token is a secret.
  const { readVersion } = await import('../secrets/reveal-secret.ts');
  // Why the cast: readVersion uses only the secret store, keys, audit log and clock, which the scanner holds.
  return readVersion(deps as unknown as SecretsDeps, ref, head.version, SCANNER_ACTOR, scanId);
}

/** Writes the JSON, HTML and SARIF files, then the summary the listing reads. */
async function storeReport(deps: ScannerDeps, cluster: ClusterRecord, report: DriftReport): Promise<void> {
  const keys = reportKeys(cluster.tenantId, cluster.env, cluster.id, report.id);
  await Promise.all([
    deps.reports.put(keys.json, JSON.stringify(report), 'application/json'),
    deps.reports.put(keys.html, renderReportHtml(report), 'text/html; charset=utf-8'),
    deps.reports.put(keys.sarif, JSON.stringify(renderReportSarif(report)), 'application/sarif+json'),
  ]);
  await deps.clusters.putReport({
    id: report.id,
    tenantId: cluster.tenantId,
    cluster: cluster.id,
    clusterName: cluster.name,
    env: cluster.env,
    scannedAt: report.scannedAt,
    driftScore: report.driftScore,
    counts: report.counts,
    workloads: report.workloads,
    errors: report.errors.length,
    keys,
  });
}
