import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ContextDeps } from '../../shared/http/context-ports.ts';
import { createHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';
import { InMemoryDocumentStore } from './in-memory-document-store.ts';
import { MemoryLogger } from './test-runtime.ts';
import { unwiredApprovalPorts, unwiredPorts } from './unwired-approval-ports.ts';

/**
 * The settings context's Lambda handler over `documents` (a fresh in-memory
 * store by default), with no approval, secret, key or audit port wired: for
 * tests that drive the handler directly, without a runtime.
 */
export function settingsHandler(
  documents = new InMemoryDocumentStore(),
): ReturnType<typeof createHttpHandler> {
  const deps: ContextDeps<'settings'> = {
    documents,
    clock: { now: () => new Date('2026-05-01T10:00:00Z') },
    ...unwiredApprovalPorts(),
    ...unwiredPorts('secrets', 'keys', 'audit'),
    logger: new MemoryLogger(),
  };
  return createHttpHandler(routesOf('settings'), deps);
}

/** A JSON request shaped as API Gateway's HTTP API sends it, from user `alice` of tenant `acme` holding `roles`. */
export function settingsRequest(
  routeKey: string,
  rawPath: string,
  pathParameters: Record<string, string>,
  body: unknown,
  roles: string,
): APIGatewayProxyEventV2 {
  const [method] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      http: { method, path: rawPath },
      authorizer: { lambda: { sub: 'alice', tenant_id: 'acme', roles } },
    },
  } as unknown as APIGatewayProxyEventV2;
}
