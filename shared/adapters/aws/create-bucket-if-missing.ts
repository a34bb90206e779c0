import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * Creates `bucket` when it does not exist: for the local runtime's
 * in-process S3 server, which starts empty (on AWS, CDK creates the reports
 * bucket). A module of its own, not a method of the report store, so that
 * no AWS bundle carries the command.
 *
 * @example await createBucketIfMissing(clientConfig, 'plumbline-reports');
 */
export async function createBucketIfMissing(clientConfig: S3ClientConfig, bucket: string): Promise<void> {
  const client = new S3Client(clientConfig);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  } finally {
    client.destroy();
  }
}
