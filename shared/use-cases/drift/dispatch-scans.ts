import type { ScanMessage } from '../../ports/scan-queue.ts';
import { newScanId } from './scan-ids.ts';
import { type DispatcherDeps, SCANNER_ACTOR } from './scanner-deps.ts';

/**
 * The scheduled dispatcher: lists every tenant's clusters, records a queued
 * scan for each and enqueues one message per cluster, so each cluster is
 * scanned by its own scanner invocation (a slow one delays no other).
 *
 * @example const { enqueued } = await dispatchScans(deps);
 */
export async function dispatchScans(deps: DispatcherDeps): Promise<{ enqueued: number }> {
  const clusters = await deps.clusters.listAllClusters();
  const now = deps.clock.now();
  const messages: ScanMessage[] = [];
  for (const { tenantId, clusterId } of clusters) {
    const scanId = newScanId(now);
    await deps.clusters.putScan({
      id: scanId,
      tenantId,
      clusterId,
      state: 'queued',
      requestedAt: now.toISOString(),
      requestedBy: SCANNER_ACTOR,
    });
    messages.push({ tenantId, clusterId, scanId });
  }
  await deps.scanQueue.enqueue(messages);
  deps.logger.info('dispatched drift scans', { clusters: messages.length });
  return { enqueued: messages.length };
}
