import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { SNS_SUBJECT_MAX, SnsNotifier, snsSubject } from '../../../../shared/adapters/aws/sns-notifier.ts';

const sns = mockClient(SNSClient);

afterEach(() => {
  sns.reset();
});

describe('SnsNotifier', () => {
  it('sends a subject SNS accepts: fewer than 100 printable characters, no line breaks', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier({
      topicArn: 'arn:aws:sns:eu-west-1:1:approvals',
      client: new SNSClient({}),
    });
    const subject = `[Plumbline] Approval needed: settings envs/prod/services/${'a'.repeat(120)}\nin prod — now`;

    // Act
    await notifier.send({
      kind: 'approval-requested',
      tenantId: 'acme',
      requestId: 'cr-1',
      to: 'bob',
      email: 'Bob@Example.com',
      subject,
      text: 'body',
    });

    // Assess
    const sent = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(sent?.Subject?.length).toBe(SNS_SUBJECT_MAX);
    expect(sent?.Subject).toMatch(/^[\x20-\x7e]+\.\.\.$/);
    expect(sent?.MessageAttributes?.email).toEqual({ DataType: 'String', StringValue: 'bob@example.com' });
  });

  it('keeps a short subject as it is, with line breaks turned into spaces', () => {
    expect(snsSubject('[Plumbline] Change request cr-1\r\napplied')).toBe(
      '[Plumbline] Change request cr-1 applied',
    );
  });
});
