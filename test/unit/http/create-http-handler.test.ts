import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ContextDeps } from '../../../shared/http/context-ports.ts';
import { createHttpHandler } from '../../../shared/http/create-http-handler.ts';
import { routesOf } from '../../../shared/http/route-table.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { MemoryLogger } from '../../support/test-runtime.ts';
import { unwiredApprovalPorts, unwiredPorts } from '../../support/unwired-approval-ports.ts';

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function deps(documents = new InMemoryDocumentStore()): ContextDeps<'settings'> & { logger: MemoryLogger } {
  return {
    documents,
    clock: { now: () => new Date('2026-05-01T10:00:00Z') },
    ...unwiredApprovalPorts(),
    ...unwiredPorts('secrets', 'keys', 'audit'),
    logger: new MemoryLogger(),
  };
}

/** An event shaped like API Gateway's HTTP API with its JWT authorizer: every claim a string. */
function event(
  routeKey: string,
  init: Partial<APIGatewayProxyEventV2> & { claims?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ');
  const { claims, ...rest } = init;
  return {
    version: '2.0',
    routeKey,
    rawPath: path ?? '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      http: { method, path },
      ...(claims ? { authorizer: { lambda: claims } } : {}),
    },
    ...rest,
  } as unknown as APIGatewayProxyEventV2;
}

const alice = {
  sub: 'alice',
  tenant_id: 'acme',
  roles: '[editor viewer]',
  iat: '1767225600',
  exp: '1999999999',
};

describe('the settings Lambda handler with API Gateway-shaped events', () => {
  it('creates a version from a PUT whose claims arrive as strings', async () => {
    const handler = createHttpHandler(routesOf('settings'), deps());
    const res = await handler(
      event('PUT /v1/settings/envs/{env}', {
        claims: alice,
        pathParameters: { env: 'dev' },
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ content: { a: 1 }, reason: 'init' }),
      }),
      context,
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers?.etag).toBe('"1"');
    expect(JSON.parse(res.body ?? '')).toMatchObject({
      version: 1,
      author: 'alice',
      createdAt: '2026-05-01T10:00:00.000Z',
    });
  });

  it('decodes a base64 body as API Gateway sends binary-safe payloads', async () => {
    const handler = createHttpHandler(routesOf('settings'), deps());
    const res = await handler(
      event('PUT /v1/settings/global', {
        claims: alice,
        headers: { 'content-type': 'application/json' },
        isBase64Encoded: true,
        body: Buffer.from(JSON.stringify({ content: { b: 2 }, reason: 'b64' })).toString('base64'),
      }),
      context,
    );
    expect(res.statusCode).toBe(201);
  });

  it('answers 401 when the authorizer passed no claims', async () => {
    const handler = createHttpHandler(routesOf('settings'), deps());
    const res = await handler(event('GET /v1/settings/global'), context);
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
  });

  it('maps an unexpected failure to a 500 that leaks nothing and logs the real error with the request id', async () => {
    const broken = new InMemoryDocumentStore();
    broken.latest = async () => {
      throw new Error('disk on fire at 10.0.0.7');
    };
    const d = deps(broken);
    const handler = createHttpHandler(routesOf('settings'), d);
    const res = await handler(event('GET /v1/settings/global', { claims: alice }), context);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('disk on fire');
    expect(JSON.parse(res.body ?? '')).toMatchObject({ status: 500, requestId: 'req-1' });
    expect(d.logger.lines.find((l) => l.level === 'ERROR')?.attributes).toMatchObject({
      requestId: 'req-1',
      errorMessage: 'disk on fire at 10.0.0.7',
    });
  });

  it('answers 404 for a route key this function does not serve', async () => {
    const handler = createHttpHandler(routesOf('settings'), deps());
    const res = await handler(event('GET /v1/health'), context);
    expect(res.statusCode).toBe(404);
  });
});
