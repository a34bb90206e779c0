import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../../shared/adapters/local/outbox-notifier.ts';
import { createHttpHandler } from '../../../shared/http/create-http-handler.ts';
import { REDACTED, RouteNamer, redactingLogger } from '../../../shared/http/request-log.ts';
import { routesOf, routeTable } from '../../../shared/http/route-table.ts';
import { InMemoryDocumentStore } from '../../support/in-memory-document-store.ts';
import { protectEnvironment } from '../../support/protect-environment.ts';
import { MemoryLogger, startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { unwiredPorts } from '../../support/unwired-approval-ports.ts';

/** A signed-link-shaped token (payload.43-char signature) that no server issued. */
const FAKE_LINK = `${Buffer.from('{"t":"acme","r":"cr-x","exp":1}').toString('base64url')}.${'s'.repeat(43)}`;

describe('RouteNamer', () => {
  const namer = new RouteNamer(routeTable);

  it('names a matched route by its template, never by the path', () => {
    // Act
    const name = namer.name('GET', `/v1/approvals/${FAKE_LINK}`, '/v1/approvals/{token}');
    // Assess
    expect(name).toBe('GET /v1/approvals/{token}');
  });

  it('replaces every segment that is not a literal of the route table in an unmatched path', () => {
    // Act
    const name = namer.name('HEAD', `/v1/approvals/${FAKE_LINK}/extra/settings`);
    // Assess
    expect(name).toBe(`HEAD /v1/approvals/${REDACTED}/${REDACTED}/settings`);
  });

  it('ignores a route key that is not one of the table’s and caps long paths', () => {
    // Act
    const forged = namer.name('GET', '/v1/secret-thing', 'GET /v1/secret-thing');
    const long = namer.name('GET', `/${'v1/'.repeat(40)}`);
    // Assess
    expect(forged).toBe(`GET /v1/${REDACTED}`);
    expect(long.split('/').length).toBeLessThanOrEqual(14);
  });
});

describe('redactingLogger', () => {
  it('removes link tokens, JWTs and bearer values from messages and nested attributes', () => {
    // Prepare
    const lines = new MemoryLogger();
    const logger = redactingLogger(lines);
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    // Act
    logger.error(`failed on ${FAKE_LINK}`, {
      errorMessage: `bad token ${jwt}`,
      nested: { header: `Bearer ${jwt}`, list: [FAKE_LINK] },
      count: 3,
    });
    // Assess
    const text = JSON.stringify(lines.lines);
    expect(text).not.toContain(FAKE_LINK.split('.')[1]);
    expect(text).not.toContain('c2lnbmF0dXJl');
    expect(lines.lines[0]?.attributes).toMatchObject({ count: 3 });
  });
});

describe('the Lambda handler’s request log', () => {
  it('logs a redacted path, not the raw one, for a route key it does not serve', async () => {
    // Prepare
    const logger = new MemoryLogger();
    const handler = createHttpHandler(routesOf('approvals'), {
      documents: new InMemoryDocumentStore(),
      clock: { now: () => new Date('2026-05-01T10:00:00Z') },
      logger,
      ...unwiredPorts('changeRequests', 'workflows', 'tokenCipher', 'linkSigner', 'publicUrl'),
    });
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: `/v1/approvals/${FAKE_LINK}`,
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'req-1', http: { method: 'PUT', path: `/v1/approvals/${FAKE_LINK}` } },
    } as unknown as APIGatewayProxyEventV2;
    // Act
    const res = await handler(event, { awsRequestId: 'req-1' } as Context);
    // Assess
    expect(res.statusCode).toBe(404);
    expect(JSON.stringify(logger.lines)).not.toContain(FAKE_LINK.split('.')[0]);
    expect(logger.lines.find((l) => l.message === 'request')?.attributes.route).toBe(
      `PUT /v1/approvals/${REDACTED}`,
    );
  });
});

describe('the local server never logs a signed approval link', () => {
  let rt: TestRuntime;
  let link: string;

  beforeAll(async () => {
    // Prepare: a real change request in prod and the approval link mailed to its approver.
    rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
    const admin = await rt.token('acme', 'root', ['admin']);
    const alice = await rt.token('acme', 'alice', ['editor']);
    await protectEnvironment(rt, admin, 'prod');
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      body: { content: { replicas: 3 }, reason: 'scale' },
    });
    expect(proposed.status).toBe(202);
    for (const deadline = Date.now() + 30_000; link === undefined && Date.now() < deadline; ) {
      const names = await readdir(rt.outboxDir).catch(() => [] as string[]);
      for (const name of names) {
        const message = JSON.parse(await readFile(join(rt.outboxDir, name), 'utf8')) as OutboxMessage;
        if (message.links) link = message.links.reject;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  afterAll(async () => {
    await rt.close();
  });

  it('logs no token for GET, HEAD, OPTIONS, PUT, POST, unknown paths and a 413 body on a link', async () => {
    // Prepare
    const path = new URL(link).pathname;
    const token = path.split('/').at(-1) as string;
    const [payload, signature] = token.split('.') as [string, string];
    rt.logger.lines.length = 0;
    // Act
    const statuses: Record<string, number> = {};
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT']) {
      statuses[method] = (await rt.call(method, path)).status;
    }
    statuses.unknown = (await rt.call('GET', `/v1/nothing-here/${token}`)).status;
    statuses.deeper = (await rt.call('GET', `${path}/more`)).status;
    statuses.tooLarge = (
      await rt.call('POST', path, {
        rawBody: JSON.stringify({ comment: `${token} ${'x'.repeat(1_100_000)}` }),
        headers: { 'content-type': 'application/json' },
      })
    ).status;
    statuses.POST = (await rt.call('POST', path, { body: { comment: `see ${token}` } })).status;
    // Assess
    expect(statuses).toEqual({
      GET: 200,
      HEAD: 405,
      OPTIONS: 405,
      PUT: 405,
      unknown: 404,
      deeper: 404,
      tooLarge: 413,
      POST: 200,
    });
    const text = JSON.stringify(rt.logger.lines);
    expect(text).not.toContain(payload);
    expect(text).not.toContain(signature);
    const routes = rt.logger.lines.filter((l) => l.message === 'request').map((l) => l.attributes.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /v1/approvals/{token}',
        `HEAD /v1/approvals/${REDACTED}`,
        `OPTIONS /v1/approvals/${REDACTED}`,
        `PUT /v1/approvals/${REDACTED}`,
        `GET /v1/${REDACTED}/${REDACTED}`,
        `GET /v1/approvals/${REDACTED}/${REDACTED}`,
        'POST /v1/approvals/{token}',
      ]),
    );
    expect(routes).toHaveLength(8);
  });
});
