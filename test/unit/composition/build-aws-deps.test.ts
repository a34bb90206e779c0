import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAwsSettingsDeps } from '../../../shared/composition/build-aws-settings-deps.ts';
import { ENV } from '../../../shared/composition/env-vars.ts';
import { tenantSessionPolicy } from '../../../shared/domain/tenant-session-policy.ts';

const sts = mockClient(STSClient);
const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/plumbline';
const tableKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/k';
const roleArn = 'arn:aws:iam::123456789012:role/settings-tenant-access';

/** A stand-in DynamoDB endpoint that records each request's headers and body and answers an empty Query. */
let server: Server;
let endpoint: string;
const requests: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Count: 0, ScannedCount: 0, Items: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests.length = 0;
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoint);
});

afterEach(() => {
  vi.unstubAllEnvs();
  sts.reset();
});

describe('buildAwsSettingsDeps: tenant data through vended credentials', () => {
  it("signs a tenant's DynamoDB requests with credentials assumed for that tenant alone", async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIATENANTACME',
        SecretAccessKey: 's',
        SessionToken: 'session-acme',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    const deps = buildAwsSettingsDeps({
      [ENV.tableName]: 'plumbline',
      [ENV.tableArn]: tableArn,
      [ENV.tableKeyArn]: tableKeyArn,
      [ENV.tenantRoleArn]: roleArn,
      [ENV.approvalStateMachineArn]: 'arn:aws:states:eu-west-1:123456789012:stateMachine:approvals',
    });

    // Act
    const latest = await deps.documents.latest({ tenantId: 'acme', collection: 'settings', key: 'global' });

    // Assess
    expect(latest).toBeNull();
    expect(sts).toHaveReceivedCommandExactlyOnceWith(AssumeRoleCommand, {
      RoleArn: roleArn,
      RoleSessionName: 'tenant-acme',
      DurationSeconds: 3600,
      Policy: JSON.stringify(tenantSessionPolicy({ tenantId: 'acme', tableArn, tableKeyArn })),
      Tags: [{ Key: 'TenantId', Value: 'acme' }],
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toContain('Credential=ASIATENANTACME/');
    expect(requests[0]?.headers['x-amz-security-token']).toBe('session-acme');
    expect(JSON.parse(requests[0]?.body ?? '{}').ExpressionAttributeValues).toEqual({
      ':pk': { S: 'acme#settings#global' },
    });
  });

  it('fails closed, without falling back to the function role, when no tenant role is configured', async () => {
    // Prepare
    const deps = buildAwsSettingsDeps({ [ENV.tableName]: 'plumbline' });

    // Act / Assess
    await expect(
      deps.documents.latest({ tenantId: 'acme', collection: 'settings', key: 'global' }),
    ).rejects.toThrow(/PLUMBLINE_TENANT_ROLE_ARN/);
    expect(requests).toHaveLength(0);
    expect(sts).not.toHaveReceivedAnyCommand();
  });
});
