import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import type { HouseFunction } from '../shared/house-function.ts';

/**
 * The Cognito actions the service-accounts context uses: create, describe,
 * update and delete app clients, and add, list and delete their secrets
 * (rotation keeps the client id), on the tenant user pool only.
 */
export const SERVICE_ACCOUNT_CLIENT_ACTIONS = [
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:AddUserPoolClientSecret',
  'cognito-idp:ListUserPoolClientSecrets',
  'cognito-idp:DeleteUserPoolClientSecret',
] as const;

/**
 * Lets the service-accounts function manage app clients of the user pool
 * (and nothing else in Cognito), and gives it the pool id, the resource
 * server scope and the token URL.
 *
 * @example grantServiceAccountClients(fn, data);
 */
export function grantServiceAccountClients(fn: HouseFunction, data: StatefulStack): void {
  const { users } = data;
  fn.function.addEnvironment(ENV.userPoolId, users.userPool.userPoolId);
  fn.function.addEnvironment(ENV.serviceAccountScope, users.serviceAccountScope);
  fn.function.addEnvironment(ENV.tokenUrl, users.tokenUrl);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...SERVICE_ACCOUNT_CLIENT_ACTIONS],
      resources: [users.userPool.userPoolArn],
    }),
  );
}
