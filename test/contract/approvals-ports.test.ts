import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbChangeRequestStore } from '../../shared/adapters/aws/dynamodb-change-request-store.ts';
import { createDocumentClient, localDynamoConfig } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { KmsTokenCipher } from '../../shared/adapters/aws/kms-token-cipher.ts';
import { SfnWorkflowGateway } from '../../shared/adapters/aws/sfn-workflow-gateway.ts';
import { SnsNotifier } from '../../shared/adapters/aws/sns-notifier.ts';
import { HmacLinkSigner } from '../../shared/adapters/crypto/hmac-link-signer.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { LocalTokenCipher } from '../../shared/adapters/local/local-token-cipher.ts';
import { LocalWorkflowRunner } from '../../shared/adapters/local/local-workflow-runner.ts';
import { OutboxNotifier } from '../../shared/adapters/local/outbox-notifier.ts';
import { SlackWebhookNotifier } from '../../shared/adapters/slack/slack-webhook-notifier.ts';
import type { ChangeRequest } from '../../shared/domain/approvals/change-request.ts';
import { StaleRevisionError } from '../../shared/ports/change-request-store.ts';
import { type Notification, WebhookUnavailableError } from '../../shared/ports/notifier.ts';
import type { TokenCipher } from '../../shared/ports/token-cipher.ts';
import { TaskTokenGoneError } from '../../shared/ports/workflow-gateway.ts';
import { localTaskArns, renderApprovalWorkflow } from '../../shared/workflows/approval-workflow.ts';
import { changeRequestFixture } from '../support/change-request-fixture.ts';
import { silentLogger } from '../support/silent-logger.ts';

function request(id: string, overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return changeRequestFixture({
    id,
    baseVersion: 1,
    proposed: { big: 'x'.repeat(1000), nested: { a: [1, 2] } },
    patch: [{ op: 'add', path: '/big', value: 'x' }],
    effective: [
      {
        target: 'envs/prod/services/api',
        hash: 'ab'.repeat(32),
        patch: [{ op: 'add', path: '/image', value: 'r.io/api:1' }],
        inputs: { 'settings envs/prod/services/api': 1, 'profiles web': 2, 'schemas services/api': null },
      },
      { target: 'envs/prod/services/web', hash: 'cd'.repeat(32), patch: null, inputs: null },
    ],
    ticket: 'OPS-1',
    expiresAt: '2026-05-02T10:00:00.000Z',
    approvalTimeoutSeconds: 86400,
    requiredApprovals: 1,
    approvers: [{ user: 'bob', email: 'bob@example.com' }],
    history: [{ at: '2026-05-01T10:00:00.000Z', actor: 'alice', action: 'requested' }],
    ...overrides,
  });
}

describe('ChangeRequestStore contract: DynamoDbChangeRequestStore on dynalite', () => {
  let dynamo: DynaliteHandle;
  let store: DynamoDbChangeRequestStore;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await ensureTable(localDynamoConfig(dynamo.endpoint), 'plumbline');
    const client = createDocumentClient(localDynamoConfig(dynamo.endpoint));
    store = new DynamoDbChangeRequestStore({ tableName: 'plumbline', clientFor: () => client });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('stores a request and reads it back whole, only within its tenant', async () => {
    // Prepare
    const r = request('cr-000000001-00000000000000a1');
    // Act
    await store.create(r);
    // Assess
    expect(await store.get('acme', r.id)).toEqual(r);
    expect(await store.get('globex', r.id)).toBeNull();
    await expect(store.create(r)).rejects.toThrow();
  });

  it('lets exactly one of two concurrent transitions from the same revision win', async () => {
    // Prepare
    const r = request('cr-000000002-00000000000000a2');
    await store.create(r);
    const approve = { ...r, status: 'approved' as const, revision: 2 };
    const expire = { ...r, status: 'expired' as const, revision: 2 };
    // Act
    const results = await Promise.allSettled([store.replace(approve), store.replace(expire)]);
    // Assess
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(StaleRevisionError);
    expect(['approved', 'expired']).toContain((await store.get('acme', r.id))?.status);
  });

  it('lists newest first, filtered by status and environment, page by page', async () => {
    // Prepare
    const ids = [
      'cr-000000010-00000000000000b1',
      'cr-000000011-00000000000000b2',
      'cr-000000012-00000000000000b3',
    ];
    for (const id of ids)
      await store.create(request(id, { tenantId: 'listco', env: id.endsWith('2') ? 'staging' : 'prod' }));
    // Act
    const first = await store.list('listco', { limit: 1, env: 'prod' });
    const second = await store.list('listco', { limit: 1, env: 'prod', after: first.next ?? '' });
    const pendingStaging = await store.list('listco', { limit: 10, status: 'pending', env: 'staging' });
    // Assess
    expect(first.items.map((r) => r.id)).toEqual([ids[2]]);
    expect(second.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(pendingStaging.items.map((r) => r.id)).toEqual([ids[1]]);
    expect((await store.list('acme', { limit: 10, env: 'nowhere' })).items).toEqual([]);
  });

  it('records a link id as used exactly once', async () => {
    // Prepare
    const expires = new Date('2026-05-02T10:00:00Z');
    // Act
    const results = await Promise.all([
      store.markLinkUsed('acme', 'jti-1', expires),
      store.markLinkUsed('acme', 'jti-1', expires),
      store.markLinkUsed('globex', 'jti-1', expires),
    ]);
    // Assess
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(results[2]).toBe(true);
  });
});

const cipherContext = { tenantId: 'acme', requestId: 'cr-1', purpose: 'approval-task-token' };

function fakeKms(): KMSClient {
  const client = new KMSClient({ region: 'eu-west-1' });
  const key = Buffer.alloc(32, 9);
  const mock = mockClient(client);
  mock.on(GenerateDataKeyCommand).callsFake((input) => ({
    Plaintext: Uint8Array.from(key),
    CiphertextBlob: Buffer.from(`wrapped:${JSON.stringify(input.EncryptionContext)}`),
  }));
  mock.on(DecryptCommand).callsFake((input) => {
    if (
      Buffer.from(input.CiphertextBlob).toString() !== `wrapped:${JSON.stringify(input.EncryptionContext)}`
    ) {
      throw Object.assign(new Error('bad context'), { name: 'InvalidCiphertextException' });
    }
    return { Plaintext: Uint8Array.from(key) };
  });
  return client;
}

describe.each<[string, () => TokenCipher]>([
  ['LocalTokenCipher', () => new LocalTokenCipher(Buffer.alloc(32, 3))],
  ['KmsTokenCipher', () => new KmsTokenCipher({ keyId: 'arn:aws:kms:eu-west-1:1:key/k', client: fakeKms() })],
])('TokenCipher contract: %s', (_name, make) => {
  it('round-trips a task token without storing it in clear', async () => {
    // Prepare
    const cipher = make();
    const token = 'AQB8AAAAKgAAAAMAAAAAAAAAAX-task-token';
    // Act
    const blob = await cipher.encrypt(token, cipherContext);
    // Assess
    expect(JSON.stringify(blob)).not.toContain('task-token');
    expect(await cipher.decrypt(blob, cipherContext)).toBe(token);
  });

  it('refuses to decrypt under another tenant’s context', async () => {
    // Prepare
    const cipher = make();
    const blob = await cipher.encrypt('secret-token', cipherContext);
    // Act
    const attempt = cipher.decrypt(blob, { ...cipherContext, tenantId: 'globex' });
    // Assess
    await expect(attempt).rejects.toThrow();
  });
});

describe('LinkSigner contract: HmacLinkSigner', () => {
  it('verifies its own links and refuses those of another key', async () => {
    // Prepare
    const signer = new HmacLinkSigner(async () => Buffer.alloc(32, 1));
    const other = new HmacLinkSigner(async () => Buffer.alloc(32, 2));
    const claims = {
      tenantId: 'acme',
      requestId: 'cr-1',
      approver: 'bob',
      decision: 'approve' as const,
      exp: 1_900_000_000,
      jti: 'j',
    };
    // Act
    const token = await signer.sign(claims);
    // Assess
    expect(await signer.verify(token, new Date('2026-01-01T00:00:00Z'))).toEqual({ ok: true, claims });
    expect(await other.verify(token, new Date('2026-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'forged',
    });
  });
});

const notification: Notification = {
  kind: 'approval-requested',
  tenantId: 'acme',
  requestId: 'cr-1',
  to: 'bob',
  email: 'bob@example.com',
  slackUser: 'U123',
  subject: 'Approval needed: <prod>',
  text: 'alice asks & waits',
  links: { approve: 'http://127.0.0.1/v1/approvals/a', reject: 'http://127.0.0.1/v1/approvals/r' },
  slackWebhookSecret: 'slack/prod',
};

describe('Notifier contract', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(status).end(status === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('OutboxNotifier writes one JSON file per notification with to, channel, subject, text and links', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    const notifier = new OutboxNotifier(dir);
    // Act
    await notifier.send(notification);
    await notifier.send({
      ...notification,
      to: 'alice',
      kind: 'outcome',
      links: undefined,
    } as unknown as Notification);
    // Assess
    const files = await readdir(dir);
    expect(files).toHaveLength(2);
    const messages = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8'))),
    );
    expect(messages.find((m) => m.to === 'bob')).toMatchObject({
      to: 'bob',
      channel: 'email',
      subject: notification.subject,
      text: notification.text,
      links: notification.links,
    });
    await rm(dir, { recursive: true });
  });

  it('SlackWebhookNotifier posts a Block Kit message with both links to the webhook the secret names', async () => {
    // Prepare
    status = 200;
    const notifier = new SlackWebhookNotifier(async (name) => (name === 'slack/prod' ? url : undefined));
    // Act
    await notifier.send(notification);
    await notifier.send({ ...notification, slackWebhookSecret: 'unknown' });
    // Assess
    expect(received).toHaveLength(1);
    const body = received[0]?.body as {
      text: string;
      blocks: { type: string; elements?: { url: string }[]; text?: { text: string } }[];
    };
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(body.text).toContain('<@U123>');
    expect(body.blocks.find((b) => b.type === 'section')?.text?.text).toContain('alice asks &amp; waits');
    expect(body.blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.url)).toEqual([
      notification.links?.approve,
      notification.links?.reject,
    ]);
  });

  it('SlackWebhookNotifier reports a failing webhook as transient without revealing its URL', async () => {
    // Prepare
    status = 503;
    const notifier = new SlackWebhookNotifier(async () => url);
    // Act
    const attempt = notifier.send(notification);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(WebhookUnavailableError);
    await expect(attempt).rejects.not.toThrow(url);
  });

  it('SnsNotifier publishes email notifications with filterable attributes', async () => {
    // Prepare
    const client = new SNSClient({ region: 'eu-west-1' });
    const mock = mockClient(client);
    mock.on(PublishCommand).resolves({ MessageId: 'm1' });
    const notifier = new SnsNotifier({ topicArn: 'arn:aws:sns:eu-west-1:1:approvals', client });
    // Act
    await notifier.send(notification);
    await notifier.send({ ...notification, email: undefined } as unknown as Notification);
    // Assess
    const calls = mock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      TopicArn: 'arn:aws:sns:eu-west-1:1:approvals',
      Message: notification.text,
      MessageAttributes: {
        email: { DataType: 'String', StringValue: 'bob@example.com' },
        to: { StringValue: 'bob' },
      },
    });
  });
});

describe('WorkflowGateway contract', () => {
  it('SfnWorkflowGateway starts one execution per request and maps a timed-out token to TaskTokenGoneError', async () => {
    // Prepare
    const client = new SFNClient({ region: 'eu-west-1' });
    const mock = mockClient(client);
    mock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    mock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    const gateway = new SfnWorkflowGateway({ stateMachineArn: 'arn:sm', client });
    // Act
    const started = await gateway.startApproval({ tenantId: 'acme', requestId: 'cr-1' });
    const late = gateway.sendTaskSuccess('secret-token', { status: 'approved' });
    // Assess
    expect(started.executionId).toBe('arn:exec');
    expect(mock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: 'arn:sm',
      name: 'acme-cr-1',
      input: JSON.stringify({ tenantId: 'acme', requestId: 'cr-1' }),
    });
    await expect(late).rejects.toBeInstanceOf(TaskTokenGoneError);
    await expect(late).rejects.not.toThrow('secret-token');
  });

  it('LocalWorkflowRunner refuses a token it is not waiting on', async () => {
    // Prepare
    const runner = new LocalWorkflowRunner({
      definition: renderApprovalWorkflow(localTaskArns()),
      waitState: 'AwaitDecision',
      logger: silentLogger,
    });
    // Act
    const attempt = runner.sendTaskSuccess('unknown', { status: 'approved' });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TaskTokenGoneError);
  });
});
