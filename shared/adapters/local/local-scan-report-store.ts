import type { ReportStore } from '../../ports/report-store.ts';

/**
 * An in-memory {@link ReportStore} for harnesses that need the port but no
 * reports (the local runtime uses s3rver through the S3 adapter).
 */
export class MemoryReportStore implements ReportStore {
  readonly #objects = new Map<string, string>();

  async put(key: string, body: string): Promise<void> {
    this.#objects.set(key, body);
  }

  async get(key: string): Promise<string | null> {
    return this.#objects.get(key) ?? null;
  }

  async delete(key: string): Promise<void> {
    this.#objects.delete(key);
  }
}
