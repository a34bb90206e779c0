/** One scan to run: a cluster of a tenant, and the scan record it fills. */
export interface ScanMessage {
  tenantId: string;
  clusterId: string;
  scanId: string;
}

/**
 * Hands scans to the scanner: SQS on AWS (one message per cluster), an
 * in-process queue with bounded concurrency locally. Enqueueing never waits
 * for a scan to run.
 */
export interface ScanQueue {
  enqueue(messages: readonly ScanMessage[]): Promise<void>;
}
