import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AuditLockMode } from '../config/stage-config.ts';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** SSE-KMS with this customer-managed key (and an S3 bucket key, to keep KMS calls down). */
  encryptionKey: kms.IKey;
  /** Where S3 writes this bucket's server access logs. */
  accessLogs: { bucket: s3.Bucket; prefix: string };
  /** Object Lock default retention: objects cannot be overwritten or deleted before it ends. */
  objectLock?: { mode: AuditLockMode; days: number };
  /** Non-current versions expire after this many days (default: never). */
  noncurrentVersionExpirationDays?: number;
}

/**
 * The house S3 bucket: public access blocked, TLS 1.2+ enforced by bucket
 * policy, versioned, SSE-KMS with a customer-managed key, bucket-owner
 * object ownership (no ACLs), server access logs, retained when the stack
 * goes, and optionally Object Lock.
 *
 * @example new SecureBucket(this, 'Reports', { encryptionKey: key, accessLogs: { bucket: logs, prefix: 'reports/' } });
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Why the cast: aws-cdk-lib's Bucket and IBucket disagree under exactOptionalPropertyTypes (isWebsite).
      serverAccessLogsBucket: props.accessLogs.bucket as unknown as s3.IBucket,
      serverAccessLogsPrefix: props.accessLogs.prefix,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.objectLock
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              props.objectLock.mode === 'COMPLIANCE'
                ? s3.ObjectLockRetention.compliance(Duration.days(props.objectLock.days))
                : s3.ObjectLockRetention.governance(Duration.days(props.objectLock.days)),
          }
        : {}),
      ...(props.noncurrentVersionExpirationDays === undefined
        ? {}
        : {
            lifecycleRules: [
              { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays) },
            ],
          }),
    });
  }
}

/**
 * The bucket that receives the other buckets' server access logs. S3 log
 * delivery supports only SSE-S3 here, and the bucket cannot log to itself.
 *
 * @example const logs = new AccessLogsBucket(this, 'AccessLogs', { retentionDays: 365 });
 */
export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { retentionDays: number }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
  }
}
