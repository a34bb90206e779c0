import { parseObservations } from '../../domain/drift/parse-observations.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ClusterRecord, ScanRecord } from '../../ports/cluster-store.ts';
import { observationKey } from '../../ports/report-store.ts';
import { newScanId } from '../drift/scan-ids.ts';
import type { ClustersDeps } from './clusters-deps.ts';

/** A cluster as the API shows it (the tenant id is the caller's). */
export type ClusterView = Omit<ClusterRecord, 'tenantId'>;

/** The API view of a cluster. */
export function clusterView(cluster: ClusterRecord): ClusterView {
  const { tenantId: _tenant, ...view } = cluster;
  return view;
}

/**
 * The caller's cluster, or a 404 (also for another tenant's id).
 *
 * @example const cluster = await loadCluster(deps, principal, 'c-1a2b3c');
 */
export async function loadCluster(
  deps: Pick<ClustersDeps, 'clusters'>,
  principal: Principal,
  id: string,
): Promise<ClusterRecord> {
  const cluster = await deps.clusters.getCluster(principal.tenantId, id);
  if (!cluster) throw new NotFoundError(`No cluster '${id}'`);
  return cluster;
}

/**
 * Removes a cluster (its reports stay readable until they expire).
 *
 * @example await removeCluster(deps, principal, 'c-1a2b3c');
 */
export async function removeCluster(
  deps: Pick<ClustersDeps, 'clusters'>,
  principal: Principal,
  id: string,
): Promise<void> {
  await loadCluster(deps, principal, id);
  await deps.clusters.deleteCluster(principal.tenantId, id);
}

/**
 * Stores a push cluster's observation (the JSON of `kubectl get
 * deploy,sts,hpa -A -o json`, at most 5 MiB) after parsing it: a malformed
 * List, a wrong kind or an oversized body is a 400 listing every problem,
 * and nothing is stored.
 *
 * @example await pushObservations(deps, principal, 'c-1a2b3c', body);
 */
export async function pushObservations(
  deps: Pick<ClustersDeps, 'clusters' | 'reports' | 'clock'>,
  principal: Principal,
  id: string,
  body: string,
): Promise<{ workloads: number; hpas: number; observedAt: string }> {
  const cluster = await loadCluster(deps, principal, id);
  const observed = parseObservations(body);
  const observedAt = deps.clock.now().toISOString();
  await deps.reports.put(observationKey(cluster.tenantId, cluster.id), body, 'application/json');
  await deps.clusters.putCluster({ ...cluster, observedAt });
  return { workloads: observed.workloads.length, hpas: observed.hpas.length, observedAt };
}

/**
 * Starts a scan on demand: records it `queued` and hands it to the scanner.
 *
 * @example const scan = await requestScan(deps, principal, 'c-1a2b3c');
 */
export async function requestScan(
  deps: Pick<ClustersDeps, 'clusters' | 'scanQueue' | 'clock'>,
  principal: Principal,
  id: string,
): Promise<ScanRecord> {
  const cluster = await loadCluster(deps, principal, id);
  const now = deps.clock.now();
  const scan: ScanRecord = {
    id: newScanId(now),
    tenantId: cluster.tenantId,
    clusterId: cluster.id,
    state: 'queued',
    requestedAt: now.toISOString(),
    requestedBy: principal.userId,
  };
  await deps.clusters.putScan(scan);
  await deps.scanQueue.enqueue([{ tenantId: scan.tenantId, clusterId: scan.clusterId, scanId: scan.id }]);
  return scan;
}

/**
 * A scan's state, or a 404 (also for another tenant's).
 *
 * @example const { state, reportId } = await getScan(deps, principal, 'c-1a2b3c', 's0lz...');
 */
export async function getScan(
  deps: Pick<ClustersDeps, 'clusters'>,
  principal: Principal,
  clusterId: string,
  scanId: string,
): Promise<Pick<ScanRecord, 'id' | 'state' | 'reportId' | 'error' | 'requestedAt'>> {
  const scan = await deps.clusters.getScan(principal.tenantId, clusterId, scanId);
  if (!scan) throw new NotFoundError(`No scan '${scanId}' of cluster '${clusterId}'`);
  return {
    id: scan.id,
    state: scan.state,
    requestedAt: scan.requestedAt,
    ...(scan.reportId ? { reportId: scan.reportId } : {}),
    ...(scan.error ? { error: scan.error } : {}),
  };
}
