import { Duration } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';

/** Props of {@link HttpTokenAuthorizer}. */
export interface HttpTokenAuthorizerProps {
  /** The user pool's issuer URL (its JWKS is the only thing the function fetches). */
  issuerUrl: string;
  /** The app client people sign in with; tokens of any other client of the pool are service accounts'. */
  userClientId: string;
  logRetentionDays: number;
}

/**
 * How long API Gateway keeps a decision, keyed by the whole `Authorization`
 * header. Short: a token that expires is still let through for at most
 * this long (Cognito access tokens live an hour).
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(60);

/**
 * The HTTP API's Lambda REQUEST authorizer (payload 2.0, simple responses):
 * the house function `lambdas/auth/http-authorizer.ts`, which verifies
 * Cognito access tokens of the pool against its JWKS and accepts people's
 * tokens (CLI client) and service accounts' (any other client of the pool,
 * carrying `tenant_id` and `roles`). It replaces the JWT authorizer, whose
 * audience list could hold only the CLI client, so machine tokens got 401.
 * The function has no grants at all: no table, no key, no Cognito API.
 *
 * @example const auth = new HttpTokenAuthorizer(this, 'Auth', { issuerUrl: users.issuerUrl, userClientId: users.client.userPoolClientId, logRetentionDays: 30 });
 */
export class HttpTokenAuthorizer extends Construct {
  readonly fn: HouseFunction;
  readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: HttpTokenAuthorizerProps) {
    super(scope, id);
    this.fn = new HouseFunction(this, 'Function', {
      entry: lambdaEntry('auth/http-authorizer'),
      description: 'Plumbline HTTP API authorizer: Cognito access tokens of users and service accounts',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetentionDays: props.logRetentionDays,
      invocation: 'synchronous',
      environment: { [ENV.tokenIssuer]: props.issuerUrl, [ENV.userClientId]: props.userClientId },
    });
    this.authorizer = new HttpLambdaAuthorizer('CognitoTokens', this.fn.function, {
      authorizerName: 'cognito-tokens',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
  }
}
