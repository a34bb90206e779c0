/** The drift scanner (SQS event source, issue 14). Lambda entry point. */
import { buildAwsDriftScannerDeps } from '../../shared/composition/build-aws-drift-scanner-deps.ts';
import {
  type SqsBatch,
  type SqsBatchResponse,
  scanRecords,
} from '../../shared/use-cases/drift/scan-records.ts';
import type { ScannerDeps } from '../../shared/use-cases/drift/scanner-deps.ts';

let deps: ScannerDeps | undefined;

/**
 * Scans the batch's clusters side by side, each bounded by its own timeout;
 * the messages whose scan threw or timed out are returned in
 * `batchItemFailures` (the event source reports partial batch failures), so
 * SQS retries only those and, after the last attempt, moves them to the
 * dead-letter queue.
 */
export async function handler(event: SqsBatch): Promise<SqsBatchResponse> {
  deps ??= buildAwsDriftScannerDeps(process.env);
  return scanRecords(deps, event);
}
