/** The HTTP API's Lambda authorizer: Cognito access tokens of people (CLI client) and of service accounts. */
import { ENV } from '../../shared/composition/env-vars.ts';
import { createTokenAuthorizer } from '../../shared/http/token-authorizer.ts';

/** The handler API Gateway invokes (payload 2.0, simple responses); the pool's JWKS is fetched once per container. */
export const handler = createTokenAuthorizer({
  issuer: process.env[ENV.tokenIssuer] ?? '',
  userClientId: process.env[ENV.userClientId] ?? '',
});
