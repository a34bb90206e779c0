import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromEvent } from '../../../shared/http/auth-context.ts';
import { type AuthorizerContext, createTokenAuthorizer } from '../../../shared/http/token-authorizer.ts';

const CLI_CLIENT = 'cli-client-id';
const SA_CLIENT = 'service-account-client-id';
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let server: Server;
let issuer: string;
let poolKey: Key;
let strangerKey: Key;
let jwksRequests = 0;
let authorize: ReturnType<typeof createTokenAuthorizer>;

beforeAll(async () => {
  const pool = await generateKeyPair('RS256');
  poolKey = pool.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pool.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url !== '/eu-west-1_pool/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    jwksRequests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eu-west-1_pool`;
  authorize = createTokenAuthorizer({ issuer, userClientId: CLI_CLIENT });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A Cognito-shaped access token, signed by the pool's key unless told otherwise. */
async function token(
  claims: JWTPayload,
  options: { key?: Key; issuer?: string; expiresIn?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'pool-key' })
    .setIssuer(options.issuer ?? issuer)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(options.key ?? poolKey);
}

const userClaims = {
  sub: 'user-sub-1',
  client_id: CLI_CLIENT,
  username: 'alice',
  tenant_id: 'acme',
  roles: ['editor', 'viewer:prod'],
  email: 'alice@corp.example',
};
const machineClaims = {
  sub: SA_CLIENT,
  client_id: SA_CLIENT,
  scope: 'plumbline/api',
  tenant_id: 'acme',
  roles: ['viewer:prod', 'secret-reader:prod'],
};

/** The request event API Gateway sends the authorizer (payload 2.0), as the developer guide shows it. */
function authorizerEvent(authorization?: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/$default/GET/v1/settings/global',
    identitySource: authorization ? [authorization] : [],
    routeKey: 'GET /v1/settings/global',
    rawPath: '/v1/settings/global',
    rawQueryString: '',
    cookies: [],
    headers: authorization ? { authorization, accept: 'application/json' } : { accept: 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef123',
      domainName: 'abcdef123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abcdef123',
      http: {
        method: 'GET',
        path: '/v1/settings/global',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: 'req-1',
      routeKey: 'GET /v1/settings/global',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
  };
}

describe('the HTTP API Lambda authorizer (Cognito access tokens, issue 15)', () => {
  it("allows a user's CLI access token and passes its claims as strings", async () => {
    // Act
    const result = await authorize(authorizerEvent(`Bearer ${await token(userClaims)}`));

    // Assess
    expect(result).toEqual({
      isAuthorized: true,
      context: {
        sub: 'user-sub-1',
        tenant_id: 'acme',
        roles: 'editor viewer:prod',
        client_id: CLI_CLIENT,
        kind: 'user',
        email: 'alice@corp.example',
      },
    });
  });

  it("allows a service account's machine token of another app client when it carries tenant and roles", async () => {
    // Act
    const result = await authorize(authorizerEvent(`Bearer ${await token(machineClaims)}`));

    // Assess
    expect(result).toEqual({
      isAuthorized: true,
      context: {
        sub: SA_CLIENT,
        tenant_id: 'acme',
        roles: 'viewer:prod secret-reader:prod',
        client_id: SA_CLIENT,
        kind: 'service-account',
      },
    });
  });

  it.each([
    [
      'a token of another issuer',
      async () => token(userClaims, { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/other' }),
    ],
    ['an expired token', async () => token(userClaims, { expiresIn: -30 })],
    ['an ID token', async () => token({ ...userClaims, token_use: 'id', aud: CLI_CLIENT })],
    [
      'a token signed by another key under the pool key id',
      async () => token(userClaims, { key: strangerKey }),
    ],
    ['a token signed by a key the pool does not publish', async () => token(userClaims, { kid: 'unknown' })],
    [
      'a machine token without tenant claims',
      async () => token({ sub: SA_CLIENT, client_id: SA_CLIENT, scope: 'plumbline/api' }),
    ],
    [
      'a machine token with roles but no tenant',
      async () => token({ ...machineClaims, tenant_id: undefined }),
    ],
    ['a machine token with a tenant but no roles', async () => token({ ...machineClaims, roles: undefined })],
    [
      'a token whose tenant could reach another key prefix',
      async () => token({ ...userClaims, tenant_id: 'acme#x' }),
    ],
    ['a token without client_id', async () => token({ ...userClaims, client_id: undefined })],
  ])('denies %s', async (_name, make) => {
    // Act
    const result = await authorize(authorizerEvent(`Bearer ${await make()}`));

    // Assess
    expect(result).toEqual({ isAuthorized: false });
  });

  it('denies a request without a bearer token, and a token that is not a JWT', async () => {
    // Act
    const missing = await authorize(authorizerEvent());
    const basic = await authorize(authorizerEvent('Basic YWxpY2U6c2VjcmV0'));
    const garbage = await authorize(authorizerEvent('Bearer not.a.jwt'));

    // Assess
    expect([missing, basic, garbage]).toEqual([
      { isAuthorized: false },
      { isAuthorized: false },
      { isAuthorized: false },
    ]);
  });

  it('fetches the JWKS once per container, not once per token', async () => {
    // Prepare
    const fresh = createTokenAuthorizer({ issuer, userClientId: CLI_CLIENT });
    const before = jwksRequests;

    // Act
    await fresh(authorizerEvent(`Bearer ${await token(userClaims)}`));
    await fresh(authorizerEvent(`Bearer ${await token(machineClaims)}`));
    await fresh(authorizerEvent(`Bearer ${await token(userClaims)}`));

    // Assess
    expect(jwksRequests - before).toBe(1);
  });
});

describe('the claims parser reads the event the routes get behind the Lambda authorizer', () => {
  /** The route's event (payload 2.0) with the authorizer's simple-response context under `authorizer.lambda`. */
  function routeEvent(context: AuthorizerContext): APIGatewayProxyEventV2 {
    const event: APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext> = {
      version: '2.0',
      routeKey: 'GET /v1/settings/global',
      rawPath: '/v1/settings/global',
      rawQueryString: '',
      headers: { accept: 'application/json' },
      isBase64Encoded: false,
      requestContext: {
        ...authorizerEvent().requestContext,
        authorizer: { lambda: context },
      },
    };
    return event as unknown as APIGatewayProxyEventV2;
  }

  it('turns the context of a service account token into its principal', async () => {
    // Prepare
    const result = await authorize(authorizerEvent(`Bearer ${await token(machineClaims)}`));
    if (!('context' in result)) throw new Error('the machine token was denied');

    // Act
    const principal = principalFromEvent(routeEvent(result.context));

    // Assess
    expect(principal).toEqual({
      tenantId: 'acme',
      userId: SA_CLIENT,
      roles: [
        { role: 'viewer', env: 'prod' },
        { role: 'secret-reader', env: 'prod' },
      ],
    });
  });

  it("turns the context of a user's token into a principal with the email", async () => {
    // Prepare
    const result = await authorize(authorizerEvent(`Bearer ${await token(userClaims)}`));
    if (!('context' in result)) throw new Error('the user token was denied');

    // Act
    const principal = principalFromEvent(routeEvent(result.context));

    // Assess
    expect(principal).toEqual({
      tenantId: 'acme',
      userId: 'user-sub-1',
      roles: [{ role: 'editor' }, { role: 'viewer', env: 'prod' }],
      email: 'alice@corp.example',
    });
  });

  it("no longer reads the JWT authorizer's shape (one shape: nothing is trusted from elsewhere)", () => {
    // Prepare
    const event = {
      requestContext: { authorizer: { jwt: { claims: { sub: 'a', tenant_id: 'acme', roles: '[admin]' } } } },
    } as unknown as APIGatewayProxyEventV2;

    // Act / Assess
    expect(() => principalFromEvent(event)).toThrow('A bearer token is required');
  });
});
