import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { createBucketIfMissing } from '../aws/create-bucket-if-missing.ts';
import { S3ReportStore } from '../aws/s3-report-store.ts';

/** The local reports bucket's name. */
export const LOCAL_REPORTS_BUCKET = 'plumbline-reports';

/** A running in-process S3 server with the reports bucket, and the S3 adapter pointed at it. */
export interface LocalReportBucket {
  store: S3ReportStore;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 (a free port) storing objects under
 * `directory`, creates the reports bucket, and returns the same
 * {@link S3ReportStore} as on AWS, path-style against the local endpoint.
 *
 * @example const bucket = await startLocalReportBucket(join(dataDir, 's3')); // bucket.store
 */
export async function startLocalReportBucket(directory: string): Promise<LocalReportBucket> {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig = {
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    // s3rver's fixed local credentials; nothing leaves this machine.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  await createBucketIfMissing(clientConfig, LOCAL_REPORTS_BUCKET);
  const store = new S3ReportStore({ bucket: LOCAL_REPORTS_BUCKET, clientConfig });
  return {
    store,
    endpoint,
    close: async () => {
      store.destroy();
      await server.close();
    },
  };
}
