import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../shared/adapters/aws/table-definition.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

describe('stateful stack: the table', () => {
  it('is keyed by the shared table definition, on demand, with PITR, deletion protection and TTL', () => {
    synth.statefulTemplate.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    synth.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: TABLE_DEFINITION.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_DEFINITION.sortKey, AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
      Replicas: [
        Match.objectLike({
          Region: 'eu-west-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('is encrypted with its own rotating customer-managed key and retained with the stack', () => {
    const [tableId, table] =
      Object.entries(resourcesOf(synth.statefulTemplate, 'AWS::DynamoDB::GlobalTable'))[0] ?? [];
    expect(tableId).toBeDefined();
    expect(table?.DeletionPolicy).toBe('Retain');
    const sse = table?.Properties.SSESpecification as { SSEEnabled: boolean; SSEType: string };
    expect(sse).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    const replicas = table?.Properties.Replicas as
      | { SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': string[] } } }[]
      | undefined;
    const replicaKey = replicas?.[0]?.SSESpecification.KMSMasterKeyId['Fn::GetAtt'][0];
    const key = resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key')[replicaKey ?? ''];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(key?.DeletionPolicy).toBe('Retain');
  });
});

describe('stateful stack: keys', () => {
  it('rotates every customer-managed key and retains them', () => {
    const keys = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key'));
    // Table, storage, messaging, task-token and (issue 13) secrets keys.
    expect(keys).toHaveLength(5);
    for (const key of keys) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  it('lets CloudWatch alarms of this account, and nobody else, use the topics key', () => {
    synth.statefulTemplate.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Plumbline alert and approval topics',
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });
});

describe('stateful stack: buckets', () => {
  const buckets = () => Object.entries(resourcesOf(synth.statefulTemplate, 'AWS::S3::Bucket'));

  it('blocks public access, versions, encrypts and retains every bucket', () => {
    expect(buckets()).toHaveLength(3);
    for (const [, bucket] of buckets()) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
  });

  it('refuses requests without TLS 1.2 on every bucket', () => {
    const policies = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      );
    }
  });

  it('encrypts reports and audit exports with the storage key and logs their access to the log bucket', () => {
    const withKms = buckets().filter(([, b]) =>
      JSON.stringify(b.Properties.BucketEncryption).includes('aws:kms'),
    );
    expect(withKms).toHaveLength(2);
    const logBucket = buckets().find(
      ([, b]) => !JSON.stringify(b.Properties.BucketEncryption).includes('aws:kms'),
    );
    for (const [, bucket] of withKms) {
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logBucket?.[0] },
        LogFilePrefix: expect.stringMatching(/^(reports|audit-exports)\/$/),
      });
    }
  });

  it('locks audit exports with Object Lock default retention, and only them', () => {
    const locked = buckets().filter(([, b]) => b.Properties.ObjectLockEnabled === true);
    expect(locked).toHaveLength(1);
    expect(locked[0]?.[1].Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
    });
    expect(locked[0]?.[1].Properties.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'audit-exports/' });
  });
});

describe('stateful stack: topics and alarms', () => {
  it('encrypts the alerts and approvals topics with the messaging key and refuses publishing without TLS', () => {
    const topics = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::SNS::Topic'));
    expect(topics.map((t) => t.Properties.DisplayName).sort()).toEqual([
      'Plumbline dev alerts',
      'Plumbline dev approvals',
    ]);
    for (const topic of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const policies = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms on DynamoDB read and write throttles to the alerts topic', () => {
    const alerts = Object.entries(resourcesOf(synth.statefulTemplate, 'AWS::SNS::Topic')).find(
      ([, t]) => t.Properties.DisplayName === 'Plumbline dev alerts',
    )?.[0];
    synth.statefulTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: alerts }],
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(reads, 0) + FILL(writes, 0)' }),
        Match.objectLike({
          Id: 'reads',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ReadThrottleEvents' }) }),
        }),
        Match.objectLike({
          Id: 'writes',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'WriteThrottleEvents' }) }),
        }),
      ]),
    });
  });

  it('protects the stack from deletion and pins its region', () => {
    expect(synth.stateful.terminationProtection).toBe(true);
    expect(synth.stateful.region).toBe('eu-west-1');
  });
});
