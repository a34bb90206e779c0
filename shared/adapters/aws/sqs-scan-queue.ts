import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ScanMessage, ScanQueue } from '../../ports/scan-queue.ts';

/** SQS accepts at most 10 entries per batch. */
const BATCH = 10;

/**
 * {@link ScanQueue} on SQS: one message per cluster, sent in batches of 10;
 * a failed entry fails the call (the dispatcher's run is retried).
 *
 * @example new SqsScanQueue({ queueUrl: process.env.SCAN_QUEUE_URL })
 */
export class SqsScanQueue implements ScanQueue {
  readonly #queueUrl: string;
  readonly #client: SQSClient;

  constructor(options: { queueUrl: string; client?: SQSClient }) {
    this.#queueUrl = options.queueUrl;
    this.#client = options.client ?? new SQSClient({});
  }

  async enqueue(messages: readonly ScanMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      const batch = messages.slice(i, i + BATCH);
      const out = await this.#client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: batch.map((message, n) => ({ Id: String(n), MessageBody: JSON.stringify(message) })),
        }),
      );
      if ((out.Failed ?? []).length > 0) {
        throw new Error(`SQS refused ${out.Failed?.length} scan messages: ${out.Failed?.[0]?.Message ?? ''}`);
      }
    }
  }
}
