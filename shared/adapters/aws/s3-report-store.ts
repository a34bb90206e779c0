import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { ReportStore } from '../../ports/report-store.ts';

/** Options of {@link S3ReportStore}. */
export interface S3ReportStoreOptions {
  bucket: string;
  /** The SDK client's config: on AWS the region; locally the s3rver endpoint with `forcePathStyle`. */
  clientConfig?: S3ClientConfig;
}

/**
 * {@link ReportStore} on S3: the reports bucket on AWS, and the same adapter
 * against the local runtime's in-process S3 server (path-style, local
 * endpoint). Objects are written with their content type; a missing key
 * reads as `null`.
 *
 * @example new S3ReportStore({ bucket: 'plumbline-reports' })
 */
export class S3ReportStore implements ReportStore {
  readonly #bucket: string;
  readonly #client: S3Client;

  constructor(options: S3ReportStoreOptions) {
    this.#bucket = options.bucket;
    this.#client = new S3Client(options.clientConfig ?? {});
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<string | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return out.Body ? await out.Body.transformToString('utf8') : null;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.#client.destroy();
  }
}
