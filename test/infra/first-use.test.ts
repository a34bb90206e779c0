import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEY_READ_ACTIONS } from '../../shared/domain/tenant-session-policy.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

/**
 * What the AWS path needs to work the first time it is used (issue 16):
 * every alarm's topic lets CloudWatch publish, stateful things live in the
 * stateful stack, ARNs and service names follow the region's partition, and
 * approval mail reaches only its addressee.
 */

let synth: SynthesizedPlumbline;
let china: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline({ approvalEmails: 'Bob@Example.com, carol@example.com' });
  china = synthPlumbline({ region: 'cn-north-1', stage: 'cn' });
});

type Template = SynthesizedPlumbline['statefulTemplate'];

interface PolicyStatement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The logical id of the stateful-stack resource a reference points at: a
 * `Ref` or `Fn::GetAtt` in the same stack, or (from the stateless stack) a
 * `Fn::GetStackOutput` / `Fn::ImportValue` of one of its outputs.
 */
function referencedId(value: unknown): string | undefined {
  const ref = value as {
    Ref?: string;
    'Fn::GetAtt'?: string[];
    'Fn::ImportValue'?: string;
    'Fn::GetStackOutput'?: { OutputName: string };
  };
  if (ref.Ref !== undefined) return ref.Ref;
  if (ref['Fn::GetAtt']) return ref['Fn::GetAtt'][0];
  const outputs = synth.statefulTemplate.toJSON().Outputs as Record<
    string,
    { Value: { Ref?: string; 'Fn::GetAtt'?: string[] }; Export?: { Name: string } }
  >;
  const output = ref['Fn::GetStackOutput']
    ? outputs[ref['Fn::GetStackOutput'].OutputName]
    : Object.values(outputs).find((o) => o.Export?.Name === ref['Fn::ImportValue']);
  return output?.Value.Ref ?? output?.Value['Fn::GetAtt']?.[0];
}

/** Whether a statement allows `service` to do `action`, conditioned on the source account and ARN. */
function allowsFromSource(statement: PolicyStatement, service: string, action: string): boolean {
  return (
    statement.Effect === 'Allow' &&
    asList(statement.Principal?.Service).includes(service) &&
    asList(statement.Action).includes(action) &&
    statement.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined &&
    statement.Condition?.ArnLike?.['aws:SourceArn'] !== undefined
  );
}

function topicPolicyStatements(topicId: string): PolicyStatement[] {
  return Object.values(resourcesOf(synth.statefulTemplate, 'AWS::SNS::TopicPolicy'))
    .filter((p) => (p.Properties.Topics as { Ref: string }[]).some((t) => t.Ref === topicId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

function keyPolicyStatements(keyId: string): PolicyStatement[] {
  const key = resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key')[keyId];
  return (key?.Properties.KeyPolicy as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [];
}

/** Every statement of every identity policy (inline `AWS::IAM::Policy`) in both templates. */
function identityStatements(): PolicyStatement[] {
  return [synth.statefulTemplate, synth.statelessTemplate].flatMap((template: Template) =>
    Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    ),
  );
}

describe('alarm notifications', () => {
  it('lets CloudWatch publish (from this account and its alarms only) to the topic of every alarm action, and use its key', () => {
    // Prepare
    const alarms = [synth.statefulTemplate, synth.statelessTemplate].flatMap((template: Template) =>
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')),
    );
    // Act
    const topics = new Set(
      alarms.flatMap((a) =>
        [...asList(a.Properties.AlarmActions), ...asList(a.Properties.OKActions)].map(referencedId),
      ),
    );
    // Assess
    expect(alarms.length).toBeGreaterThan(10);
    expect([...topics]).toHaveLength(1);
    for (const topicId of topics) {
      expect(topicId).toBeDefined();
      const statements = topicPolicyStatements(topicId ?? '');
      expect(statements.some((s) => allowsFromSource(s, 'cloudwatch.amazonaws.com', 'sns:Publish'))).toBe(
        true,
      );
      expect(statements.some((s) => allowsFromSource(s, 'events.amazonaws.com', 'sns:Publish'))).toBe(true);
      expect(statements.some((s) => s.Effect === 'Deny')).toBe(true);
      const topic = resourcesOf(synth.statefulTemplate, 'AWS::SNS::Topic')[topicId ?? ''];
      const keyId =
        (topic?.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] } | undefined)?.['Fn::GetAtt'][0] ?? '';
      expect(
        keyPolicyStatements(keyId).some(
          (s) =>
            asList(s.Principal?.Service).includes('cloudwatch.amazonaws.com') &&
            asList(s.Action).includes('kms:GenerateDataKey'),
        ),
      ).toBe(true);
    }
  });
});

describe('EventBridge dead-letter queues', () => {
  it('gives every rule target a dead-letter queue EventBridge can write: SQS-managed encryption, or a key that lets events.amazonaws.com use it', () => {
    // Prepare
    const pairs = [synth.statefulTemplate, synth.statelessTemplate].flatMap((template: Template) =>
      Object.values(resourcesOf(template, 'AWS::Events::Rule')).flatMap((rule) =>
        (rule.Properties.Targets as { DeadLetterConfig?: { Arn: { 'Fn::GetAtt': string[] } } }[]).map(
          (target) => ({ template, queueArn: target.DeadLetterConfig?.Arn }),
        ),
      ),
    );
    // Act
    const queues = pairs.map(({ template, queueArn }) => {
      const queueId = queueArn?.['Fn::GetAtt'][0] ?? '';
      const queue = resourcesOf(template, 'AWS::SQS::Queue')[queueId];
      const queuePolicy = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'))
        .filter((p) => (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === queueId))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
      return { queueId, properties: queue?.Properties, queuePolicy };
    });
    // Assess
    expect(queues.length).toBeGreaterThanOrEqual(2);
    for (const { queueId, properties, queuePolicy } of queues) {
      expect(properties, `rule target dead-letter queue ${queueId}`).toBeDefined();
      expect(
        queuePolicy.some(
          (s) =>
            s.Effect === 'Allow' &&
            asList(s.Principal?.Service).includes('events.amazonaws.com') &&
            asList(s.Action).includes('sqs:SendMessage'),
        ),
      ).toBe(true);
      if (properties?.KmsMasterKeyId === undefined) {
        expect(properties?.SqsManagedSseEnabled, queueId).toBe(true);
        continue;
      }
      const keyStatements = keyPolicyStatements(referencedId(properties.KmsMasterKeyId) ?? '');
      expect(keyStatements.length, `${queueId}: its key policy is found`).toBeGreaterThan(0);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(
          keyStatements.some(
            (s) =>
              s.Effect === 'Allow' &&
              asList(s.Principal?.Service).includes('events.amazonaws.com') &&
              asList(s.Action).includes(action),
          ),
          `${queueId}: its key lets EventBridge ${action}`,
        ).toBe(true);
      }
    }
  });
});

describe('table key', () => {
  it('grants every reader of the table through DynamoDB the key actions a read needs (TABLE_KEY_READ_ACTIONS)', () => {
    // Prepare
    const statements = identityStatements();
    // Act
    const viaDynamoDb = statements.filter(
      (s) =>
        asList(s.Action).includes('kms:Decrypt') &&
        JSON.stringify(s.Condition?.StringEquals?.['kms:ViaService'] ?? '').includes('dynamodb.'),
    );
    // Assess
    expect(viaDynamoDb.length).toBeGreaterThan(3);
    for (const statement of viaDynamoDb) {
      expect(asList(statement.Action)).toEqual(expect.arrayContaining([...TABLE_KEY_READ_ACTIONS]));
    }
  });
});

describe('approval email', () => {
  it('subscribes each configured address to the approvals topic, filtered to the messages addressed to it', () => {
    // Prepare
    const approvalsTopic = synth.stateful.getLogicalId(
      synth.stateful.approvalsTopic.node.defaultChild as never,
    );
    // Act
    const subscriptions = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::SNS::Subscription'));
    // Assess
    expect(
      subscriptions.map((s) => ({
        topic: (s.Properties.TopicArn as { Ref: string }).Ref,
        protocol: s.Properties.Protocol,
        endpoint: s.Properties.Endpoint,
        filter: s.Properties.FilterPolicy,
      })),
    ).toEqual(
      ['bob@example.com', 'carol@example.com'].map((email) => ({
        topic: approvalsTopic,
        protocol: 'email',
        endpoint: email,
        filter: { email: [email] },
      })),
    );
  });

  it('warns at synth, on the stateful stack, when no approval address is configured (links would go nowhere)', () => {
    // Prepare
    const unconfigured = synthPlumbline();
    // Act
    const warningsWithout = Annotations.fromStack(unconfigured.stateful).findWarning(
      '*',
      Match.stringLikeRegexp('approvalEmails'),
    );
    const warningsWith = Annotations.fromStack(synth.stateful).findWarning(
      '*',
      Match.stringLikeRegexp('approvalEmails'),
    );
    // Assess
    expect(warningsWithout).toHaveLength(1);
    expect(warningsWith).toEqual([]);
  });

  it('refuses an approvalEmails entry that is not an address', () => {
    expect(() => synthPlumbline({ approvalEmails: 'bob@example.com, not-an-address' })).toThrow(
      /not-an-address/,
    );
  });
});

describe('stack placement', () => {
  it.each([
    ['AWS::Cognito::UserPool', 1],
    ['AWS::Cognito::UserPoolClient', 1],
    ['AWS::SecretsManager::Secret', 1],
  ])('keeps %s in the stateful stack only', (type, count) => {
    expect(Object.keys(resourcesOf(synth.statefulTemplate, type))).toHaveLength(count);
    expect(Object.keys(resourcesOf(synth.statelessTemplate, type))).toHaveLength(0);
  });

  it('keeps every KMS key (table, storage, messaging, task tokens, secrets) in the stateful stack', () => {
    expect(Object.keys(resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key'))).toHaveLength(5);
    expect(Object.keys(resourcesOf(synth.statelessTemplate, 'AWS::KMS::Key'))).toHaveLength(0);
    expect(
      Object.values(resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key')).map(
        (k) => k.Properties.Description,
      ),
    ).toEqual(
      expect.arrayContaining([
        'Plumbline: wraps the data keys encrypting Step Functions task tokens at rest',
        // Issue 13's dedicated key: retained with the secrets it wraps, so it lives with them.
        'Plumbline: wraps the per-version data keys of tenant secrets (envelope encryption)',
      ]),
    );
  });
});

describe('partitions and service names', () => {
  it('writes no aws-partition ARN or amazonaws.com service name by hand in a China region', () => {
    // Prepare
    const text = JSON.stringify([china.statefulTemplate.toJSON(), china.statelessTemplate.toJSON()]);
    // Act
    const viaServices = [
      ...text.matchAll(/"kms:ViaService":(\{"Fn::Join":\["",\[[^\]]*\]\]\}|"[^"]*")/g),
    ].map((m) => m[1]);
    // Assess
    expect(text).not.toMatch(/arn:aws:/);
    expect(viaServices.length).toBeGreaterThan(0);
    for (const value of viaServices) {
      expect(value).toMatch(
        /^\{"Fn::Join":\["",\["[a-z0-9]+\.cn-north-1\.",\{"Ref":"AWS::URLSuffix"\}\]\]\}$/,
      );
    }
    const [machine] = Object.values(resourcesOf(china.statelessTemplate, 'AWS::StepFunctions::StateMachine'));
    expect(
      (machine?.Properties.DefinitionSubstitutions as Record<string, unknown> | undefined)?.Partition,
    ).toBe('aws-cn');
  });

  it('names the API access log group under /aws/vendedlogs/apigateway/', () => {
    const names = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::Logs::LogGroup')).map((g) =>
      JSON.stringify(g.Properties.LogGroupName ?? null),
    );
    expect(names.filter((n) => n.includes('/aws/vendedlogs/apigateway/plumbline-dev-access-'))).toHaveLength(
      1,
    );
  });
});
