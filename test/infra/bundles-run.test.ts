import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbChangeRequestStore } from '../../shared/adapters/aws/dynamodb-change-request-store.ts';
import { createDocumentClient, localDynamoConfig } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { ensureTable } from '../../shared/adapters/aws/ensure-table.ts';
import { type DynaliteHandle, startDynalite } from '../../shared/adapters/local/dynalite-server.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { EnvName } from '../../shared/composition/workflow-task-env.ts';
import type { ChangeRequest } from '../../shared/domain/approvals/change-request.ts';
import { settingsRef } from '../../shared/use-cases/settings/settings-ref.ts';
import {
  APPROVAL_TASKS,
  type ApprovalTaskName,
  renderApprovalWorkflow,
} from '../../shared/workflows/approval-workflow.ts';
import { demoNamespace } from '../fixtures/k8s/demo-objects.ts';
import { changeRequestFixture } from '../support/change-request-fixture.ts';
import { type AwsDoubles, type RecordedCall, startAwsDoubles } from './support/aws-doubles.ts';
import { type SynthesizedFunction, synthWithBundles, type TemplateJson } from './support/synth-bundles.ts';

/**
 * Issue 16: every function the app synthesizes, run as Lambda runs it — its
 * bundle, exactly its template environment (intrinsics replaced by stand-in
 * ARNs), fake credentials, and endpoints pointing at local doubles (dynalite
 * for DynamoDB, recording stand-ins for STS, KMS, Secrets Manager, SNS and
 * Step Functions) — reaches its AWS calls with correctly shaped requests;
 * and a whole approval runs through the task bundles and the approvals API
 * bundle, driven by the synthesized ASL in aws-local-stepfunctions.
 */

const TABLE = 'plumbline-bundles';
const TENANT = 'acme';
const ACCOUNT = '123456789012';
const FUNCTION_KEY = 'AKIAFUNCTIONROLE';
const LINK_SECRET = 'link-signing-secret-value';

/** Stand-ins for the values CloudFormation resolves at deploy time. */
const DEPLOYED: Partial<Record<EnvName, string>> = {
  [ENV.tableName]: TABLE,
  [ENV.tableArn]: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${TABLE}`,
  [ENV.tableKeyArn]: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/table-key`,
  [ENV.tenantRoleArn]: `arn:aws:iam::${ACCOUNT}:role/tenant-access`,
  [ENV.approvalStateMachineArn]: `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:plumbline-dev-approval`,
  [ENV.approvalsTopicArn]: `arn:aws:sns:eu-west-1:${ACCOUNT}:approvals`,
  [ENV.linkSigningSecretArn]: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:link-AbCdEf`,
  [ENV.taskTokenKeyArn]: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/task-token-key`,
  [ENV.publicUrl]: 'https://api.example.test/',
  [ENV.secretsKeyArn]: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/secrets-key`,
  [ENV.userClientId]: 'cli-client-id',
  [ENV.userPoolId]: 'eu-west-1_PoolStandIn',
  [ENV.tokenUrl]: 'https://plumbline-dev.auth.eu-west-1.amazoncognito.com/oauth2/token',
  [ENV.reportsBucket]: 'plumbline-reports-stand-in',
  // [ENV.scanQueueUrl]: on the doubles' endpoint, set in beforeAll (the SQS client sends to its queue URL's host).
  [ENV.alertsTopicArn]: `arn:aws:sns:eu-west-1:${ACCOUNT}:drift-alerts`,
  // [ENV.tokenIssuer]: the loopback JWKS server's URL, set in beforeAll.
};

/** The user pool's stand-in: a loopback server publishing one RS256 key as the pool's JWKS. */
let jwksServer: Server;
let poolKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let functions: SynthesizedFunction[];
let stateless: TemplateJson;
let dynalite: DynaliteHandle;
let doubles: AwsDoubles;
let store: DynamoDbChangeRequestStore;
const taskSuccess = new Map<string, (output: unknown) => void>();

beforeAll(async () => {
  const synth = synthWithBundles({ approvalEmails: 'bob@example.com,alice@example.com' });
  functions = synth.functions;
  stateless = synth.templates['Plumbline-dev-Stateless'] as TemplateJson;
  dynalite = await startDynalite();
  await ensureTable(localDynamoConfig(dynalite.endpoint), TABLE);
  doubles = await startAwsDoubles({
    dynamoEndpoint: dynalite.endpoint,
    secretString: LINK_SECRET,
    onTaskSuccess: (token, output) => taskSuccess.get(token)?.(output),
  });
  const client = createDocumentClient(localDynamoConfig(dynalite.endpoint));
  store = new DynamoDbChangeRequestStore({ tableName: TABLE, clientFor: () => client });
  const pair = await generateKeyPair('RS256');
  poolKey = pair.privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
  jwksServer = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks),
  );
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  DEPLOYED[ENV.tokenIssuer] = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/pool`;
  DEPLOYED[ENV.scanQueueUrl] = `${doubles.endpoint}/${ACCOUNT}/plumbline-scans`;
}, 240_000);

afterAll(async () => {
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
  await doubles?.close();
  await dynalite?.close();
});

/** The function's template environment with every intrinsic replaced by its stand-in. */
function templateEnv(fn: SynthesizedFunction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const deployed = DEPLOYED[name as EnvName];
      if (deployed === undefined) throw new Error(`${fn.description}: no stand-in for ${name}`);
      return [name, deployed];
    }),
  );
}

/** What one invocation returned or threw, and the AWS requests it made. */
interface Invocation {
  result?: unknown;
  error?: { name: string; message: string };
  calls: RecordedCall[];
}

/** Imports the bundle in a fresh Node process with its template environment and invokes its handler. */
async function invoke(fn: SynthesizedFunction, event: unknown): Promise<Invocation> {
  const first = doubles.calls.length;
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(fn.bundle).href)});
    const say = (tag, value) => process.stdout.write('\\n' + tag + JSON.stringify(value) + '\\n');
    try {
      say('@@RESULT@@', (await mod.handler(${JSON.stringify(event)}, { awsRequestId: 'req-1' })) ?? null);
    } catch (error) {
      say('@@ERROR@@', { name: error.name, message: error.message });
    }`;
  const endpoint = doubles.endpoint;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...templateEnv(fn),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: FUNCTION_KEY,
      AWS_SECRET_ACCESS_KEY: 'function-secret',
      AWS_SESSION_TOKEN: 'function-session',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_KMS: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SNS: endpoint,
      AWS_ENDPOINT_URL_SFN: endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      // An IP endpoint: the S3 client addresses buckets path-style.
      AWS_ENDPOINT_URL_S3: endpoint,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((l) => l.startsWith('@@RESULT@@') || l.startsWith('@@ERROR@@'));
  if (line === undefined) throw new Error(`${fn.description} exited ${code}: ${stderr}`);
  const calls = doubles.calls.slice(first);
  return line.startsWith('@@RESULT@@')
    ? { result: JSON.parse(line.slice('@@RESULT@@'.length)), calls }
    : { error: JSON.parse(line.slice('@@ERROR@@'.length)), calls };
}

/** The synthesized state machine's properties. */
function stateMachine(): Record<string, unknown> {
  const machine = Object.values(stateless.Resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (!machine) throw new Error('no state machine in the stateless template');
  return machine.Properties;
}

/** The function of each approval task, from the state machine's substitutions. */
function taskFunction(task: ApprovalTaskName): SynthesizedFunction {
  const substitutions = stateMachine().DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': string[] }>;
  const arn = substitutions[APPROVAL_TASKS[task]];
  const fn = functions.find((f) => f.logicalId === arn?.['Fn::GetAtt'][0]);
  if (!fn) throw new Error(`no function for task ${task}`);
  return fn;
}

function httpFunction(prefix: string): SynthesizedFunction {
  const fn = functions.find((f) => f.description.startsWith(prefix));
  if (!fn) throw new Error(`no function ${prefix}`);
  return fn;
}

let sequence = 0;
/** Stores a change request (as the write gate would) and returns its ids. */
async function seedRequest(
  overrides: Partial<ChangeRequest> = {},
): Promise<{ tenantId: string; requestId: string }> {
  sequence += 1;
  const now = new Date();
  const id = `cr-${now.getTime().toString(36).padStart(9, '0').slice(-9)}-${sequence.toString(16).padStart(8, '0')}`;
  // The shared fixture, made now (its window open), on a document of its own, with approvers that have addresses.
  const request = changeRequestFixture({
    id,
    target: {
      collection: 'settings',
      key: settingsRef(TENANT, { kind: 'service', env: 'prod', service: `svc-${sequence}` }).key,
    },
    baseVersion: null,
    proposed: { replicas: 3 },
    patch: [{ op: 'add', path: '/replicas', value: 3 }],
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    requiredApprovals: 1,
    approvers: [
      { user: 'alice', email: 'Alice@Example.com' },
      { user: 'bob', email: 'bob@example.com' },
    ],
    ...overrides,
  });
  await store.create(request);
  return { tenantId: TENANT, requestId: id };
}

const actions = (calls: RecordedCall[]) => calls.map((c) => `${c.service}:${c.action}`);

/** The tenant session: one AssumeRole of the stand-in tenant role, tagged and fenced to the tenant. */
function expectTenantSession(calls: RecordedCall[]): void {
  const assume = calls.find((c) => c.action === 'AssumeRole');
  expect(assume?.accessKeyId).toBe(FUNCTION_KEY);
  expect(assume?.input).toMatchObject({
    RoleArn: DEPLOYED[ENV.tenantRoleArn],
    'Tags.member.1.Key': 'TenantId',
    'Tags.member.1.Value': TENANT,
  });
  expect(String(assume?.input.Policy)).toContain(`${TENANT}#*`);
  for (const call of calls.filter((c) => c.service === 'dynamodb')) {
    expect(call.accessKeyId).toBe(doubles.vendedAccessKeyId);
    expect(call.input.TableName).toBe(TABLE);
  }
}

function httpEvent(
  routeKey: string,
  path: string,
  options: { claims?: Record<string, string>; body?: unknown; pathParameters?: Record<string, string> } = {},
): unknown {
  const [method] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    pathParameters: options.pathParameters ?? {},
    requestContext: {
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      ...(options.claims ? { authorizer: { lambda: options.claims } } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
  };
}

describe('every synthesized function, run from its bundle with exactly its template environment', () => {
  it('finds all of them: six approval tasks, six HTTP contexts, the Cognito trigger, the HTTP API authorizer, rotation and two drift functions', () => {
    expect(functions).toHaveLength(17);
    expect(new Set(functions.map((f) => f.logicalId)).size).toBe(17);
    expect(functions.some((f) => f.description.startsWith('Plumbline HTTP API authorizer'))).toBe(true);
  });

  it('Validate reads the request through a tenant session and returns the remaining window', async () => {
    // Prepare
    const ids = await seedRequest();
    // Act
    const run = await invoke(taskFunction('Validate'), ids);
    // Assess
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'pending', closed: false });
    expect(actions(run.calls)).toEqual(['sts:AssumeRole', 'dynamodb:GetItem']);
    expectTenantSession(run.calls);
  });

  it('AwaitDecision encrypts the token under the task-token key, signs links with the secret and mails only the other approver', async () => {
    // Prepare
    const ids = await seedRequest();
    // Act
    const run = await invoke(taskFunction('AwaitDecision'), {
      ...ids,
      taskToken: 'token-await',
      executionId: 'exec-1',
    });
    // Assess
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ notified: 1, status: 'pending' });
    expectTenantSession(run.calls);
    const generate = run.calls.find((c) => c.action === 'GenerateDataKey');
    expect(generate?.input).toMatchObject({ KeyId: DEPLOYED[ENV.taskTokenKeyArn], KeySpec: 'AES_256' });
    expect(generate?.input.EncryptionContext).toMatchObject({ tenantId: TENANT, requestId: ids.requestId });
    expect(run.calls.find((c) => c.action === 'GetSecretValue')?.input).toEqual({
      SecretId: DEPLOYED[ENV.linkSigningSecretArn],
    });
    const published = run.calls.filter((c) => c.action === 'Publish');
    expect(published).toHaveLength(1);
    expect(published[0]?.input).toMatchObject({
      TopicArn: DEPLOYED[ENV.approvalsTopicArn],
      'MessageAttributes.entry.1.Name': 'email',
      'MessageAttributes.entry.1.Value.StringValue': 'bob@example.com',
    });
    expect(String(published[0]?.input.Subject).length).toBeLessThan(100);
    expect(String(published[0]?.input.Message)).toContain('https://api.example.test/v1/approvals/');
    expect((await store.get(TENANT, ids.requestId))?.taskToken).not.toBeNull();
  });

  it('ResolveTimeout expires a pending request', async () => {
    const ids = await seedRequest();
    const run = await invoke(taskFunction('ResolveTimeout'), ids);
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ status: 'expired' });
    expect(actions(run.calls)).toEqual(['sts:AssumeRole', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expectTenantSession(run.calls);
  });

  it('Apply writes the approved proposal as the next version', async () => {
    const ids = await seedRequest({ status: 'approved' });
    const run = await invoke(taskFunction('Apply'), ids);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'applied' });
    expect(actions(run.calls)).toContain('dynamodb:PutItem');
    expectTenantSession(run.calls);
  });

  it('NotifyRequester mails the requester at the address of their approver entry', async () => {
    const ids = await seedRequest({ status: 'rejected' });
    const run = await invoke(taskFunction('NotifyRequester'), ids);
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ status: 'rejected' });
    const publish = run.calls.find((c) => c.action === 'Publish');
    expect(publish?.input).toMatchObject({
      TopicArn: DEPLOYED[ENV.approvalsTopicArn],
      'MessageAttributes.entry.1.Value.StringValue': 'alice@example.com',
    });
    expectTenantSession(run.calls);
  });

  it("NotifyRequester mails the address recorded from the requester's token before their approver entry (issue 16)", async () => {
    const ids = await seedRequest({ status: 'rejected', requesterEmail: 'alice@corp.example' });
    const run = await invoke(taskFunction('NotifyRequester'), ids);
    expect(run.error).toBeUndefined();
    const publish = run.calls.find((c) => c.action === 'Publish');
    expect(publish?.input).toMatchObject({
      'MessageAttributes.entry.1.Name': 'email',
      'MessageAttributes.entry.1.Value.StringValue': 'alice@corp.example',
    });
  });

  it('MarkFailed marks an open request failed and tells the requester', async () => {
    const ids = await seedRequest();
    const run = await invoke(taskFunction('MarkFailed'), {
      ...ids,
      error: { Error: 'Plumbline.Boom', Cause: 'boom' },
    });
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ status: 'failed' });
    expect(actions(run.calls)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sns:Publish']));
    expect((await store.get(TENANT, ids.requestId))?.status).toBe('failed');
  });

  it('the settings API reads a tenant document through a tenant session', async () => {
    const run = await invoke(
      httpFunction('Plumbline settings routes'),
      httpEvent('GET /v1/settings/global', '/v1/settings/global', {
        claims: { sub: 'alice', tenant_id: TENANT, roles: '[viewer]' },
      }),
    );
    expect(run.error).toBeUndefined();
    expect((run.result as { statusCode: number }).statusCode).toBe(404);
    expect(actions(run.calls)[0]).toBe('sts:AssumeRole');
    expect(actions(run.calls).some((a) => a.startsWith('dynamodb:'))).toBe(true);
    expectTenantSession(run.calls);
  });

  it('the system API answers its health route without any AWS call', async () => {
    const run = await invoke(
      httpFunction('Plumbline public system routes'),
      httpEvent('GET /v1/health', '/v1/health'),
    );
    expect((run.result as { statusCode: number }).statusCode).toBe(200);
    expect(run.calls).toEqual([]);
  });

  it('the Cognito trigger adds the claims without any AWS call', async () => {
    const run = await invoke(httpFunction('Plumbline Cognito pre-token-generation'), {
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { sub: 's', 'custom:tenant_id': TENANT, 'custom:roles': 'admin' } },
      response: { claimsAndScopeOverrideDetails: null },
    });
    expect(JSON.stringify(run.result)).toContain('"tenant_id":"acme"');
    expect(run.calls).toEqual([]);
  });
});

const ADMIN = { sub: 'ada', tenant_id: TENANT, roles: 'admin' };
const statusOf = (run: Invocation) => (run.result as { statusCode: number }).statusCode;
const bodyOf = (run: Invocation) => JSON.parse(String((run.result as { body?: string }).body ?? 'null'));

/** PUTs a secret in the unprotected `dev` environment through the secrets API bundle. */
function putSecret(name: string): Promise<Invocation> {
  return invoke(
    httpFunction('Plumbline secrets routes'),
    httpEvent('PUT /v1/secrets/envs/{env}/{name}', `/v1/secrets/envs/dev/${name}`, {
      claims: ADMIN,
      pathParameters: { env: 'dev', name },
      body: { value: 's3cr3t-value', criticality: 'critical', category: 'data-access', reason: 'first use' },
    }),
  );
}

/** Registers a push-mode cluster in `dev` through the clusters API bundle and returns its id. */
async function registerPushCluster(name: string): Promise<{ id: string; run: Invocation }> {
  const run = await invoke(
    httpFunction('Plumbline clusters'),
    httpEvent('POST /v1/clusters', '/v1/clusters', {
      claims: ADMIN,
      body: { name, env: 'dev', auth: { type: 'push' } },
    }),
  );
  expect(run.error).toBeUndefined();
  expect(statusOf(run), JSON.stringify(run.result)).toBe(201);
  return { id: bodyOf(run).id as string, run };
}

/** Pushes an observation of the demo `shop` namespace for a push cluster through the clusters API bundle. */
function pushObservation(id: string): Promise<Invocation> {
  return invoke(
    httpFunction('Plumbline clusters'),
    httpEvent('POST /v1/clusters/{id}/observations', `/v1/clusters/${id}/observations`, {
      claims: ADMIN,
      pathParameters: { id },
      body: { apiVersion: 'v1', kind: 'List', items: demoNamespace('shop') },
    }),
  );
}

describe('the secrets, clusters, service-accounts, rotation and drift functions, run from their bundles (issue 16)', () => {
  it('the secrets API seals a new secret under the secrets key with the tenant context, creates it in Secrets Manager and records its metadata', async () => {
    // Act
    const run = await putSecret('db-password');
    // Assess
    expect(run.error).toBeUndefined();
    expect(statusOf(run), JSON.stringify(run.result)).toBe(201);
    expect(bodyOf(run)).toMatchObject({ name: 'db-password', env: 'dev', version: 1 });
    expectTenantSession(run.calls);
    const generate = run.calls.find((c) => c.action === 'GenerateDataKey');
    expect(generate?.service).toBe('kms');
    expect(generate?.accessKeyId).toBe(doubles.vendedAccessKeyId);
    expect(generate?.input).toMatchObject({
      KeyId: DEPLOYED[ENV.secretsKeyArn],
      KeySpec: 'AES_256',
      EncryptionContext: { tenant: TENANT, env: 'dev', name: 'db-password', version: '1' },
    });
    const create = run.calls.find((c) => c.action === 'CreateSecret');
    expect(create?.service).toBe('secretsmanager');
    expect(create?.accessKeyId).toBe(doubles.vendedAccessKeyId);
    expect(create?.input).toMatchObject({
      Name: `plumbline/${TENANT}/dev/db-password`,
      Tags: expect.arrayContaining([
        { Key: 'plumbline:tenant', Value: TENANT },
        { Key: 'plumbline:env', Value: 'dev' },
      ]),
    });
    expect(JSON.stringify(create?.input)).not.toContain('s3cr3t-value');
    const writes = run.calls.filter((c) => c.service === 'dynamodb' && /Put|Write|Update/.test(c.action));
    expect(JSON.stringify(writes.map((c) => c.input))).toContain(`${TENANT}#`);
    expect(JSON.stringify(writes.map((c) => c.input))).toContain('db-password');
  });

  it('the secrets API writes version 2 with PutSecretValue when If-Match names version 1', async () => {
    // Prepare
    await putSecret('api-key');
    // Act
    const event = httpEvent('PUT /v1/secrets/envs/{env}/{name}', '/v1/secrets/envs/dev/api-key', {
      claims: ADMIN,
      pathParameters: { env: 'dev', name: 'api-key' },
      body: { value: 'next-value', criticality: 'critical', category: 'data-access', reason: 'rotate' },
    }) as { headers: Record<string, string> };
    event.headers['if-match'] = '"1"';
    const run = await invoke(httpFunction('Plumbline secrets routes'), event);
    // Assess
    expect(statusOf(run), JSON.stringify(run.result)).toBe(200);
    expect(run.calls.find((c) => c.action === 'GenerateDataKey')?.input.EncryptionContext).toEqual({
      tenant: TENANT,
      env: 'dev',
      name: 'api-key',
      version: '2',
    });
    expect(run.calls.find((c) => c.action === 'PutSecretValue')?.input).toMatchObject({
      SecretId: `plumbline/${TENANT}/dev/api-key`,
      VersionStages: ['AWSCURRENT'],
    });
  });

  it('the rotation job lists the Plumbline secret scopes by name and tag with its own role, then reads each scope through a tenant session', async () => {
    // Prepare
    await putSecret('rotated-token');
    const rotation = functions.find((f) => f.logicalId.includes('SecretRotation'));
    if (!rotation) throw new Error('no rotation function');
    // Act
    const run = await invoke(rotation, { id: 'evt-1', time: '2030-01-01T03:00:00Z' });
    // Assess
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ scopes: 1, failed: 0 });
    const list = run.calls.find((c) => c.action === 'ListSecrets');
    expect(list?.service).toBe('secretsmanager');
    expect(list?.accessKeyId).toBe(FUNCTION_KEY);
    expect(list?.input).toMatchObject({
      Filters: [
        { Key: 'name', Values: ['plumbline/'] },
        { Key: 'tag-key', Values: ['plumbline:tenant'] },
      ],
    });
    expectTenantSession(run.calls);
    expect(actions(run.calls).some((a) => a.startsWith('dynamodb:'))).toBe(true);
  });

  it('the clusters API registers a push-mode cluster, stores a pushed observation in the reports bucket and reads the cluster back', async () => {
    // Act
    const { id, run: registered } = await registerPushCluster('edge');
    const pushed = await pushObservation(id);
    const read = await invoke(
      httpFunction('Plumbline clusters'),
      httpEvent('GET /v1/clusters/{id}', `/v1/clusters/${id}`, { claims: ADMIN, pathParameters: { id } }),
    );
    // Assess
    expect(id).toMatch(/^c-[0-9a-f]{12}$/);
    expectTenantSession(registered.calls);
    expect(actions(registered.calls)).toContain('dynamodb:PutItem');
    expect(statusOf(pushed), JSON.stringify(pushed.result)).toBe(202);
    const put = pushed.calls.find((c) => c.action === 'PutObject');
    expect(put).toMatchObject({
      service: 's3',
      accessKeyId: FUNCTION_KEY,
      input: {
        Bucket: DEPLOYED[ENV.reportsBucket],
        Key: `${TENANT}/observations/${id}/latest.json`,
        ContentType: 'application/json',
      },
    });
    expect(statusOf(read)).toBe(200);
    expect(bodyOf(read)).toMatchObject({ id, name: 'edge', env: 'dev' });
    expectTenantSession(read.calls);
  });

  it('the service-accounts API creates a client-credentials app client on the pool from its environment and records the account under the tenant', async () => {
    // Act
    const run = await invoke(
      httpFunction('Plumbline service-accounts'),
      httpEvent('POST /v1/service-accounts', '/v1/service-accounts', {
        claims: ADMIN,
        body: { name: 'ci-deployer', roles: ['viewer:dev'], reason: 'CI reads settings' },
      }),
    );
    // Assess
    expect(run.error).toBeUndefined();
    expect(statusOf(run), JSON.stringify(run.result)).toBe(201);
    const body = bodyOf(run);
    expect(body).toMatchObject({ tokenUrl: DEPLOYED[ENV.tokenUrl] });
    const create = run.calls.find((c) => c.action === 'CreateUserPoolClient');
    expect(create?.service).toBe('cognito-idp');
    expect(create?.accessKeyId).toBe(FUNCTION_KEY);
    expect(create?.input).toMatchObject({
      UserPoolId: DEPLOYED[ENV.userPoolId],
      ClientName: expect.stringMatching(new RegExp(`^plumbline-sa\\.${TENANT}\\.[0-9a-f-]{36}$`)),
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['plumbline/api'],
    });
    expectTenantSession(run.calls);
    expect(actions(run.calls)).toContain('dynamodb:PutItem');
  });

  it('the drift dispatcher lists the clusters, records a queued scan for each and sends them to the queue from its environment', async () => {
    // Prepare
    const { id } = await registerPushCluster('dispatched');
    const dispatcher = functions.find((f) => f.logicalId.includes('Dispatcher'));
    if (!dispatcher) throw new Error('no drift dispatcher');
    // Act
    const run = await invoke(dispatcher, { source: 'aws.events', 'detail-type': 'Scheduled Event' });
    // Assess
    expect(run.error).toBeUndefined();
    const scan = run.calls.find((c) => c.action === 'Scan');
    expect(scan?.accessKeyId).toBe(FUNCTION_KEY);
    expect(scan?.input.TableName).toBe(TABLE);
    const sends = run.calls.filter((c) => c.action === 'SendMessageBatch');
    expect(sends.length).toBeGreaterThan(0);
    const entries = sends.flatMap((c) => c.input.Entries as { Id: string; MessageBody: string }[]);
    expect((run.result as { enqueued: number }).enqueued).toBe(entries.length);
    for (const send of sends) {
      expect(send).toMatchObject({ service: 'sqs', accessKeyId: FUNCTION_KEY });
      expect(send.input.QueueUrl).toBe(DEPLOYED[ENV.scanQueueUrl]);
    }
    const mine = entries.map((e) => JSON.parse(e.MessageBody)).find((m) => m.clusterId === id);
    expect(mine).toMatchObject({ tenantId: TENANT, clusterId: id, scanId: expect.any(String) });
    const queued = run.calls.filter(
      (c) => c.action === 'PutItem' && c.accessKeyId === doubles.vendedAccessKeyId,
    );
    expect(queued.length).toBe(entries.length);
  });

  it("the drift scanner reads a push cluster's observation from the reports bucket and writes the JSON, HTML and SARIF report objects", async () => {
    // Prepare: a push cluster with a pushed observation (clusters bundle) and a drift policy for dev (settings bundle).
    const { id } = await registerPushCluster('scanned');
    const pushed = await pushObservation(id);
    expect(statusOf(pushed), JSON.stringify(pushed.result)).toBe(202);
    const policy = await invoke(
      httpFunction('Plumbline settings routes'),
      httpEvent('PUT /v1/drift-policies/envs/{env}', '/v1/drift-policies/envs/dev', {
        claims: ADMIN,
        pathParameters: { env: 'dev' },
        body: {
          policy: { watch: { namespaces: ['shop'] }, tolerances: { default: 0.1 } },
          reason: 'watch shop',
        },
      }),
    );
    expect(statusOf(policy), JSON.stringify(policy.result)).toBe(201);
    const scanner = functions.find((f) => f.logicalId.includes('Scanner'));
    if (!scanner) throw new Error('no drift scanner');
    const scanId = `s${Date.now().toString(36).padStart(9, '0').slice(-9)}0000beef`;
    // Act
    const run = await invoke(scanner, {
      Records: [{ messageId: 'm-1', body: JSON.stringify({ tenantId: TENANT, clusterId: id, scanId }) }],
    });
    // Assess
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ batchItemFailures: [] });
    expectTenantSession(run.calls);
    const bucket = DEPLOYED[ENV.reportsBucket];
    const s3 = run.calls.filter((c) => c.service === 's3');
    for (const call of s3) expect(call.accessKeyId).toBe(FUNCTION_KEY);
    expect(s3.find((c) => c.action === 'GetObject')?.input).toEqual({
      Bucket: bucket,
      Key: `${TENANT}/observations/${id}/latest.json`,
    });
    const base = `${TENANT}/dev/${id}/${scanId}`;
    expect(
      s3
        .filter((c) => c.action === 'PutObject')
        .map((c) => [c.input.Key, c.input.ContentType])
        .sort(),
    ).toEqual([
      [`${base}.html`, 'text/html; charset=utf-8'],
      [`${base}.json`, 'application/json'],
      [`${base}.sarif`, 'application/sarif+json'],
    ]);
    const report = JSON.parse(doubles.objects.get(`${bucket}/${base}.json`)?.body ?? '{}');
    expect(report).toMatchObject({ id: scanId, cluster: id, env: 'dev', errors: [] });
  });
});

describe('the HTTP API token authorizer, run from its bundle (issue 15)', () => {
  /** A service account's access token as Cognito issues it (client credentials), signed by the pool's key. */
  const machineToken = (issuer: string, claims: Record<string, unknown>) =>
    new SignJWT({ token_use: 'access', client_id: 'sa-client', scope: 'plumbline/api', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('sa-client')
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(poolKey);
  const authorizerEvent = (authorization: string) => ({
    version: '2.0',
    type: 'REQUEST',
    routeKey: 'GET /v1/settings/global',
    rawPath: '/v1/settings/global',
    identitySource: [authorization],
    headers: { authorization },
    requestContext: { requestId: 'req-1', http: { method: 'GET', path: '/v1/settings/global' } },
  });

  it("allows a service account's token with its tenant and roles, fetching the pool's JWKS and calling no AWS API", async () => {
    const issuer = DEPLOYED[ENV.tokenIssuer] as string;
    const token = await machineToken(issuer, { tenant_id: TENANT, roles: ['viewer:prod'] });
    const run = await invoke(
      httpFunction('Plumbline HTTP API authorizer'),
      authorizerEvent(`Bearer ${token}`),
    );
    expect(run.result).toEqual({
      isAuthorized: true,
      context: {
        sub: 'sa-client',
        tenant_id: TENANT,
        roles: 'viewer:prod',
        client_id: 'sa-client',
        kind: 'service-account',
      },
    });
    expect(run.calls).toEqual([]);
  });

  it('denies a machine token without the tenant claims', async () => {
    const token = await machineToken(DEPLOYED[ENV.tokenIssuer] as string, {});
    const run = await invoke(
      httpFunction('Plumbline HTTP API authorizer'),
      authorizerEvent(`Bearer ${token}`),
    );
    expect(run.result).toEqual({ isAuthorized: false });
  });
});

describe('a whole approval through the bundles, driven by the synthesized ASL', () => {
  it('validates, mails the approver, takes the decision through the approvals API, applies and tells the requester', async () => {
    // Prepare
    const ids = await seedRequest();
    // The shared ASL (equal to the template's DefinitionString, see approvals-workflow.test.ts) with the
    // template's substitutions: the partition as synthesized, each task function by a stand-in ARN.
    const substitutions = Object.fromEntries(
      Object.entries(stateMachine().DefinitionSubstitutions as Record<string, unknown>).map(
        ([key, value]) => [
          key,
          typeof value === 'string' ? value : `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${key}`,
        ],
      ),
    );
    const rendered = renderApprovalWorkflow(substitutions);
    const token = 'task-token-of-the-run';
    const visited: string[] = [];
    const runTask = async (task: ApprovalTaskName, input: unknown) => {
      visited.push(task);
      const run = await invoke(taskFunction(task), input);
      if (run.error) throw Object.assign(new Error(run.error.message), { name: run.error.name });
      return run.result;
    };
    const approvals = httpFunction('Plumbline approval routes');
    const handlers = Object.fromEntries(
      (Object.keys(APPROVAL_TASKS) as ApprovalTaskName[]).map((task) => [
        task,
        task === 'AwaitDecision'
          ? async (parameters: { Payload: unknown }) => {
              const decided = new Promise((resolve) => taskSuccess.set(token, resolve));
              const first = doubles.calls.length;
              await runTask(task, parameters.Payload);
              // The approver opens the link from their mail and approves: the approvals API bundle.
              const mail = doubles.calls.slice(first).find((c) => c.action === 'Publish');
              const link = /https:\/\/api\.example\.test(\/v1\/approvals\/([^\s]+))/.exec(
                String(mail?.input.Message),
              );
              const decision = await invoke(
                approvals,
                httpEvent('POST /v1/approvals/{token}', link?.[1] ?? '', {
                  pathParameters: { token: link?.[2] ?? '' },
                  body: { comment: 'looks right' },
                }),
              );
              expect(decision.result).toMatchObject({ statusCode: 200 });
              expect(actions(decision.calls)).toEqual(
                expect.arrayContaining([
                  'secretsmanager:GetSecretValue',
                  'kms:Decrypt',
                  'states:SendTaskSuccess',
                ]),
              );
              return decided;
            }
          : (input: unknown) => runTask(task, input),
      ]),
    );

    // Act
    const execution = new StateMachine(rendered as never).run(ids, {
      overrides: { taskResourceLocalHandlers: handlers } as never,
      context: { Task: { Token: token }, Execution: { Id: 'exec-run' } } as never,
    });
    const output = (await execution.result) as { outcome?: { status: string } };

    // Assess
    expect(visited).toEqual(['Validate', 'AwaitDecision', 'Apply', 'NotifyRequester']);
    expect(output.outcome?.status).toBe('applied');
    const request = await store.get(TENANT, ids.requestId);
    expect(request?.status).toBe('applied');
    expect(request?.decisions.map((d) => [d.actor, d.decision, d.via])).toEqual([['bob', 'approve', 'link']]);
    const outcomeMail = doubles.calls.filter((c) => c.action === 'Publish').at(-1);
    expect(outcomeMail?.input).toMatchObject({
      'MessageAttributes.entry.1.Value.StringValue': 'alice@example.com',
      Subject: `[Plumbline] Change request ${ids.requestId} applied`,
    });
  }, 120_000);
});
