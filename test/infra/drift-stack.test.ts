import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCAN_BATCH_SIZE, SCANNER_MAX_CONCURRENCY } from '../../lib/drift/drift-functions.ts';
import { SCAN_MAX_RECEIVES } from '../../lib/drift/drift-queue.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import { SCAN_METRIC, SCAN_METRICS_NAMESPACE } from '../../shared/ports/metrics.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

const fnOf = (description: string) => {
  const found = Object.entries(resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')).find(([, r]) =>
    String(r.Properties.Description).startsWith(description),
  );
  if (!found) throw new Error(`no function ${description}`);
  return { id: found[0], props: found[1].Properties };
};

/** Every policy statement attached to a function's role. */
function statementsOf(fnId: string): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const role = (
    synth.statelessTemplate.toJSON().Resources[fnId].Properties.Role as { 'Fn::GetAtt': string[] }
  )['Fn::GetAtt'][0];
  return Object.values(resourcesOf(synth.statelessTemplate, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(String(role)))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: never[] }).Statement);
}
const actions = (s: { Action: string | string[] }) => [s.Action].flat();

describe('drift on AWS (lib/drift)', () => {
  it('runs the dispatcher on a 15-minute EventBridge rate by default, and at the stage config rate', () => {
    const dispatcher = fnOf('Plumbline drift dispatcher');
    synth.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [dispatcher.id, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ]),
    });
    const other = synthPlumbline({ scanIntervalMinutes: '60' });
    other.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
    });
  });

  it('keeps scans in a KMS-encrypted queue with a dead-letter queue, both refusing non-TLS access', () => {
    const queues = resourcesOf(synth.statelessTemplate, 'AWS::SQS::Queue');
    const scans = Object.values(queues).find((q) => q.Properties.RedrivePolicy);
    if (!scans) throw new Error('no queue with a redrive policy');
    expect(scans.Properties.KmsMasterKeyId).toBeDefined();
    expect((scans.Properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(
      SCAN_MAX_RECEIVES,
    );
    synth.statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives the queue-fed scanner no Lambda dead-letter queue (never invoked asynchronously) and the scheduled dispatcher one', () => {
    const scanner = fnOf('Plumbline drift scanner');
    const dispatcher = fnOf('Plumbline drift dispatcher');
    expect(scanner.props.DeadLetterConfig).toBeUndefined();
    expect(dispatcher.props.DeadLetterConfig).toEqual({ TargetArn: expect.anything() });
    expect(JSON.stringify(dispatcher.props.DeadLetterConfig)).toContain('DispatchFailures');
  });

  it('feeds the scanner from the queue with partial batch failures and bounded concurrency', () => {
    const scanner = fnOf('Plumbline drift scanner');
    synth.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: scanner.id },
      BatchSize: SCAN_BATCH_SIZE,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: SCANNER_MAX_CONCURRENCY },
    });
  });

  it('grants the scanner report writes, observation reads, alert publishing and no delete', () => {
    const scanner = fnOf('Plumbline drift scanner');
    const statements = statementsOf(scanner.id);
    const all = statements.flatMap(actions);
    expect(all).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject', 'sns:Publish', 'sqs:ReceiveMessage']),
    );
    expect(all.filter((a) => /^s3:Delete|^s3:List(?!Bucket$)|^\*$|:\*$/.test(a))).toEqual([]);
    const get = statements.find((s) => actions(s).includes('s3:GetObject'));
    expect(JSON.stringify(get?.Resource)).toContain('/*/observations/*');
    expect(Object.keys(scanner.props.Environment as object)).toBeDefined();
    const vars = (scanner.props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        ENV.reportsBucket,
        ENV.alertsTopicArn,
        ENV.tenantRoleArn,
        ENV.secretsKeyArn,
        ENV.publicUrl,
      ]),
    );
  });

  it('lets the clusters API list the reports bucket (bucket ARN only), so a missing report reads as 404, not 403; not the scanner, which reads only observations it knows were pushed', () => {
    // Act
    const api = statementsOf(fnOf('Plumbline clusters and drift report routes').id);
    const scanner = statementsOf(fnOf('Plumbline drift scanner').id);
    const list = api.filter((s) => actions(s).includes('s3:ListBucket'));
    // Assess
    expect(api.find((s) => actions(s).includes('s3:GetObject'))).toBeDefined();
    expect(list).toHaveLength(1);
    expect(list[0]?.Resource).toEqual({
      'Fn::ImportValue': `${synth.stateful.stackName}-DriftReportsBucketArn`,
    });
    expect(scanner.find((s) => actions(s).includes('s3:GetObject'))).toBeDefined();
    expect(scanner.filter((s) => actions(s).some((a) => a.startsWith('s3:List')))).toEqual([]);
  });

  it('lets the dispatcher scan only cluster-id attributes and send to the queue, and the clusters API send scans', () => {
    const dispatcher = statementsOf(fnOf('Plumbline drift dispatcher').id);
    const scan = dispatcher.find((s) => actions(s).includes('dynamodb:Scan'));
    expect(scan?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'kind', 'tenantId', 'clusterId'] },
      // ForAllValues alone passes a Scan that names no attributes (every attribute of every tenant).
      Null: { 'dynamodb:Attributes': 'false' },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
    expect(dispatcher.flatMap(actions)).toContain('sqs:SendMessage');
    const clusters = fnOf('Plumbline clusters and drift report routes');
    const clusterActions = statementsOf(clusters.id).flatMap(actions);
    expect(clusterActions).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 's3:GetObject', 's3:PutObject']),
    );
    expect(Object.keys((clusters.props.Environment as { Variables: object }).Variables)).toEqual(
      expect.arrayContaining([ENV.reportsBucket, ENV.scanQueueUrl]),
    );
  });

  it('alarms to the alerts topic on scan failures and on dead-lettered messages', () => {
    synth.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: SCAN_METRICS_NAMESPACE,
      MetricName: SCAN_METRIC.scanFailures,
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    synth.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('dead-letter'),
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'scans + dispatches' })]),
    });
  });
});
