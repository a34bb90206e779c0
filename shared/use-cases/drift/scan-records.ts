import type { ScanMessage } from '../../ports/scan-queue.ts';
import { scanCluster } from './scan-cluster.ts';
import type { ScannerDeps } from './scanner-deps.ts';

/** The part of an SQS event the scanner reads. */
export interface SqsBatch {
  Records: readonly { messageId: string; body: string }[];
}

/** A partial batch response: the messages SQS must deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Time a scan may take beyond its cluster timeout (settings, report files, summary, alert). */
export const SCAN_GRACE_MS = 30_000;

/** Thrown when one scan outlives its cluster timeout plus {@link SCAN_GRACE_MS}. */
class ScanTimeoutError extends Error {
  override readonly name = 'ScanTimeoutError';
}

function parseMessage(body: string): ScanMessage | undefined {
  try {
    const m = JSON.parse(body) as Partial<ScanMessage>;
    return typeof m.tenantId === 'string' && typeof m.clusterId === 'string' && typeof m.scanId === 'string'
      ? { tenantId: m.tenantId, clusterId: m.clusterId, scanId: m.scanId }
      : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScanTimeoutError(`the scan took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The scanner's SQS batch: every message's scan runs side by side, each
 * bounded by the cluster timeout plus {@link SCAN_GRACE_MS}, so one slow or
 * failing cluster delays no other. A cluster that cannot be read is a
 * finished scan (a report with `errors`), not a failure; a message that is
 * malformed, whose scan threw or timed out is returned in
 * `batchItemFailures`, so SQS redelivers only it (and, after the queue's
 * last attempt, moves it to the dead-letter queue).
 *
 * @example return scanRecords(deps, event); // { batchItemFailures: [{ itemIdentifier: 'm-2' }] }
 */
export async function scanRecords(deps: ScannerDeps, batch: SqsBatch): Promise<SqsBatchResponse> {
  const limit = deps.limits.clusterTimeoutMs + SCAN_GRACE_MS;
  const outcomes = await Promise.allSettled(
    batch.Records.map(async (record) => {
      const message = parseMessage(record.body);
      if (!message) throw new Error('the message is not a scan message');
      await withTimeout(scanCluster(deps, message), limit);
    }),
  );
  const batchItemFailures: { itemIdentifier: string }[] = [];
  outcomes.forEach((outcome, i) => {
    const record = batch.Records[i];
    if (outcome.status === 'fulfilled' || !record) return;
    deps.logger.error('drift scan message failed', {
      messageId: record.messageId,
      error: (outcome.reason as Error).message,
    });
    batchItemFailures.push({ itemIdentifier: record.messageId });
  });
  return { batchItemFailures };
}
