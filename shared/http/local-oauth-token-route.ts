import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ServiceAccount } from '../domain/service-accounts/service-account.ts';
import type { LocalRouteHandler } from './local-server.ts';

/** Method and path of the embedded token authority's OAuth 2.0 token endpoint (local runtime only). */
export const LOCAL_OAUTH_TOKEN_ROUTE = 'POST /oauth2/token';

/** Lifetime of a service account's access token: one hour, as Cognito's default. */
const TOKEN_SECONDS = 3600;

/** What the token route needs: check a client's credentials, and sign a token. */
export interface OAuthTokenDeps {
  authenticate(clientId: string, clientSecret: string): Promise<ServiceAccount | undefined>;
  issue(request: { tenantId: string; userId: string; roles: string[]; ttlSeconds: number }): Promise<string>;
}

/**
 * `POST /oauth2/token` of the local runtime, the form Cognito's token
 * endpoint takes: `grant_type=client_credentials` (form-encoded) with the
 * client id and secret in HTTP Basic. Answers `{access_token, token_type,
 * expires_in}` whose claims carry the account's tenant and roles (as the
 * pre-token-generation trigger puts them on AWS). Errors are RFC 6749 §5.2
 * bodies: `invalid_request` and `unsupported_grant_type` (400),
 * `invalid_client` (401 with `WWW-Authenticate: Basic`).
 *
 * @example localRoutes: { [LOCAL_OAUTH_TOKEN_ROUTE]: oauthTokenRoute({ authenticate, issue }) }
 */
export function oauthTokenRoute(deps: OAuthTokenDeps): LocalRouteHandler {
  return async (body, headers) => {
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (grant === null) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (grant !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const credentials = basicCredentials(headers.authorization);
    if (!credentials) return oauthError(401, 'invalid_client', 'client credentials go in HTTP Basic');
    const account = await deps.authenticate(credentials.clientId, credentials.clientSecret);
    if (!account) return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    const token = await deps.issue({
      tenantId: account.tenantId,
      userId: `service-account:${account.id}`,
      roles: account.roles,
      ttlSeconds: TOKEN_SECONDS,
    });
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS });
  };
}

function basicCredentials(
  header: string | string[] | undefined,
): { clientId: string; clientSecret: string } | undefined {
  if (typeof header !== 'string' || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')),
    };
  } catch {
    return undefined;
  }
}

function oauthError(status: number, error: string, description: string): APIGatewayProxyStructuredResultV2 {
  const extra: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Basic realm="plumbline"' } : {};
  return json(status, { error, error_description: description }, extra);
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}
