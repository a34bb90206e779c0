import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { TENANT_ID_PATTERN } from './auth-context.ts';

/**
 * What the HTTP API's Lambda authorizer hands every route (as
 * `requestContext.authorizer.lambda`): strings only, the roles space
 * separated (`"editor viewer:prod"`). The local runtime puts the same shape
 * into its events, and `principalFromEvent` is its one reader.
 */
export interface AuthorizerContext {
  sub: string;
  tenant_id: string;
  /** Role bindings, space separated. */
  roles: string;
  /** The app client that obtained the token. */
  client_id: string;
  /** `user` (the CLI client, a person) or `service-account` (client credentials). */
  kind: 'user' | 'service-account';
  email?: string;
}

/** Whom the authorizer trusts. */
export interface TokenAuthorizerOptions {
  /** The user pool's issuer URL (`https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
  issuer: string;
  /** The app client people sign in with (the `plumb` CLI). */
  userClientId: string;
  /** The pool's signing keys; by default its JWKS, fetched once and cached by `jose`. */
  keys?: JWTVerifyGetKey;
}

/** The authorizer's decision: the context for the routes, or why the token was refused. */
export type TokenDecision =
  | { allowed: true; context: AuthorizerContext }
  | { allowed: false; reason: string };

/** The JWKS of an issuer (`<issuer>/.well-known/jwks.json`), fetched on first use and kept by `jose`. */
export function issuerKeys(issuer: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/.well-known/jwks.json`), {
    timeoutDuration: 3000,
  });
}

/**
 * Verifies a Cognito access token of the pool and turns it into the
 * context the routes read. Accepted: signature by a key of the pool's JWKS
 * (RS256), issuer the pool, not expired, `token_use` `access`; then either
 * a user token of the CLI client, or a machine token of any other app
 * client of the pool (every client of it is ours: service accounts), which
 * must carry the `tenant_id` and `roles` claims the pre-token trigger puts
 * only into service-account tokens. Both need a valid `tenant_id` and `sub`.
 *
 * @example const decision = await verifyAccessToken(token, { issuer, userClientId, keys: issuerKeys(issuer) });
 */
export async function verifyAccessToken(
  token: string,
  options: TokenAuthorizerOptions & { keys: JWTVerifyGetKey },
): Promise<TokenDecision> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'sub', 'client_id', 'token_use'],
    }));
  } catch (error) {
    return { allowed: false, reason: `invalid token (${(error as { code?: string }).code ?? 'unknown'})` };
  }
  if (payload.token_use !== 'access') return { allowed: false, reason: 'not an access token' };
  const clientId = payload.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0)
    return { allowed: false, reason: 'no client_id' };
  const kind = clientId === options.userClientId ? 'user' : 'service-account';
  if (kind === 'service-account' && payload.roles === undefined) {
    return { allowed: false, reason: 'machine token without roles claim' };
  }
  const tenantId = payload.tenant_id;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    return { allowed: false, reason: 'no valid tenant_id claim' };
  }
  const sub = payload.sub as string;
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string').join(' ')
    : typeof payload.roles === 'string'
      ? payload.roles
      : '';
  const email = typeof payload.email === 'string' ? payload.email : undefined;
  return {
    allowed: true,
    context: { sub, tenant_id: tenantId, roles, client_id: clientId, kind, ...(email ? { email } : {}) },
  };
}

/** The bearer token of the `Authorization` header (API Gateway lower-cases header names). */
export function bearerToken(event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The HTTP API Lambda authorizer (payload 2.0, simple responses): allows
 * with the {@link AuthorizerContext} or denies (API Gateway answers 403).
 * The keys are fetched once per container.
 *
 * @example export const handler = createTokenAuthorizer({ issuer, userClientId });
 */
export function createTokenAuthorizer(
  options: TokenAuthorizerOptions,
): (
  event: APIGatewayRequestAuthorizerEventV2,
) => Promise<
  APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext> | APIGatewaySimpleAuthorizerResult
> {
  const keys = options.keys ?? issuerKeys(options.issuer);
  return async (event) => {
    const token = bearerToken(event);
    if (!token) return { isAuthorized: false };
    const decision = await verifyAccessToken(token, { ...options, keys });
    if (!decision.allowed) {
      console.info(JSON.stringify({ level: 'INFO', message: 'token refused', reason: decision.reason }));
      return { isAuthorized: false };
    }
    return { isAuthorized: true, context: decision.context };
  };
}
