import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The `kms:ViaService` value of a service in the stack's region and
 * partition (`sns.eu-west-1.amazonaws.com`, `sns.cn-north-1.amazonaws.com.cn`).
 *
 * @example conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'sns') } }
 */
export function viaService(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  return `${service}.${stack.region}.${stack.urlSuffix}`;
}

/**
 * A log group name under `/aws/vendedlogs/`, where AWS asks vended logs
 * (Step Functions, API Gateway access logs) to go so that their resource
 * policy stays small. The stack's id suffix keeps the name free when a
 * replaced stack left its retained log group behind.
 *
 * @example new logs.LogGroup(this, 'Logs', { logGroupName: vendedLogGroupName('states', 'plumbline-dev-approval') })
 */
export function vendedLogGroupName(service: string, name: string): string {
  return `/aws/vendedlogs/${service}/${name}-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`;
}

/** Where an ARN given to {@link nagArn} lives: the stack's region and account unless said otherwise (`''` for IAM's region). */
export interface NagArnScope {
  region?: string;
  account?: string;
}

/**
 * An ARN of the stack's partition as cdk-nag prints it in finding ids
 * (unresolved pseudo parameters as `<AWS::...>`), to acknowledge a finding
 * on a resource written with `Stack.formatArn`.
 *
 * @example Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'iam', 'role/x-*', { region: '', account: '*' })}]`, reason })
 */
export function nagArn(stack: Stack, service: string, resource: string, scope: NagArnScope = {}): string {
  const show = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  const region = scope.region ?? show(stack.region, 'Region');
  const account = scope.account ?? show(stack.account, 'AccountId');
  return `arn:${show(stack.partition, 'Partition')}:${service}:${region}:${account}:${resource}`;
}
