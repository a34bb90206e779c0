import type { AppLogger } from '../../ports/app-logger.ts';
import type { ScanMessage, ScanQueue } from '../../ports/scan-queue.ts';

/**
 * The local twin of the SQS queue: messages run through `handle` in this
 * process, at most `concurrency` at a time, each on its own (a failing or
 * slow scan holds one slot, never the others). `idle()` resolves when
 * nothing is queued or running; `close()` stops taking new work.
 *
 * @example const queue = new LocalScanQueue({ concurrency: 4, handle: (m) => scanCluster(deps, m), logger });
 */
export class LocalScanQueue implements ScanQueue {
  readonly #pending: ScanMessage[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #concurrency: number;
  readonly #logger: AppLogger;
  #handle: ((message: ScanMessage) => Promise<unknown>) | undefined;
  #closed = false;

  constructor(options: {
    concurrency: number;
    logger: AppLogger;
    handle?: (message: ScanMessage) => Promise<unknown>;
  }) {
    this.#concurrency = options.concurrency;
    this.#logger = options.logger;
    this.#handle = options.handle;
  }

  /** Sets the handler (the scanner's deps are built after the queue). */
  attach(handle: (message: ScanMessage) => Promise<unknown>): void {
    this.#handle = handle;
    this.#pump();
  }

  async enqueue(messages: readonly ScanMessage[]): Promise<void> {
    if (this.#closed) throw new Error('the local scan queue is closed');
    this.#pending.push(...messages);
    this.#pump();
  }

  /** Resolves once every queued and running scan finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || (this.#pending.length > 0 && this.#handle)) {
      await Promise.race(this.#running);
    }
  }

  /** Drops queued scans and waits for the running ones. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pending.length = 0;
    await Promise.allSettled([...this.#running]);
  }

  #pump(): void {
    const handle = this.#handle;
    if (!handle) return;
    while (this.#running.size < this.#concurrency && this.#pending.length > 0) {
      const message = this.#pending.shift() as ScanMessage;
      const run: Promise<void> = handle(message)
        .then(() => undefined)
        .catch((error: unknown) => {
          this.#logger.error('local scan failed', {
            cluster: message.clusterId,
            error: (error as Error).message,
          });
        })
        .finally(() => {
          this.#running.delete(run);
          this.#pump();
        });
      this.#running.add(run);
    }
  }
}
