import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as v from 'valibot';
import type { TokenRequest } from '../adapters/local/local-token-authority.ts';
import { issuesToViolations } from '../domain/documents/issues-to-violations.ts';
import { ValidationError } from '../domain/errors.ts';
import { parseRoleBinding } from '../domain/rbac.ts';
import { EMAIL_PATTERN } from '../domain/tenant-claims.ts';
import { TENANT_ID_FOR_POLICY } from '../domain/tenant-session-policy.ts';
import type { LocalRouteHandler } from './local-server.ts';
import { problemResult } from './problem-details.ts';

/** Method and path of the local runtime's token route (never in the route table: no AWS, no OpenAPI). */
export const LOCAL_DEV_TOKEN_ROUTE = 'POST /local/dev/token';

/** Longest lifetime of a dev token: 30 days (`plumb dev token --ttl` refuses more before asking). */
export const MAX_DEV_TOKEN_TTL_SECONDS = 30 * 86_400;

/** The body of `POST /local/dev/token`. */
export const DevTokenRequestSchema = v.strictObject({
  tenantId: v.pipe(v.string(), v.regex(TENANT_ID_FOR_POLICY, 'a tenant id: letters, digits, _ and -')),
  userId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  roles: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.check((role) => parseRoleBinding(role) !== undefined, 'a role, optionally role:env'),
      ),
    ),
    v.maxLength(16),
  ),
  ttlSeconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DEV_TOKEN_TTL_SECONDS)),
  /** The `email` claim (issue 16): where the outcome of the holder's change requests is sent. */
  email: v.optional(v.pipe(v.string(), v.regex(EMAIL_PATTERN, 'an email address'))),
});

/**
 * The handler of `POST /local/dev/token`: a token signed with the running
 * local runtime's own key, so `plumb dev token` can never sign with a key
 * the server does not hold. The local server answers it to loopback clients
 * only. Bad input is a 400 listing every violation.
 *
 * @example localRoutes: { [LOCAL_DEV_TOKEN_ROUTE]: devTokenRoute((request) => tokens.issue(request)) }
 */
export function devTokenRoute(issue: (request: TokenRequest) => Promise<string>): LocalRouteHandler {
  return async (body): Promise<APIGatewayProxyStructuredResultV2> => {
    const instance = LOCAL_DEV_TOKEN_ROUTE.split(' ')[1] as string;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return problemResult(
        new ValidationError('The body is not JSON', [
          { pointer: '/body', rule: 'json', message: 'The body must be a JSON object' },
        ]),
        { instance },
      );
    }
    const parsed = v.safeParse(DevTokenRequestSchema, json);
    if (!parsed.success) {
      return problemResult(
        new ValidationError('The token request is not valid', issuesToViolations(parsed.issues, '/body')),
        { instance },
      );
    }
    const { email, ...request } = parsed.output;
    const token = await issue({ ...request, ...(email === undefined ? {} : { email }) });
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ token, expiresIn: parsed.output.ttlSeconds }),
    };
  };
}
