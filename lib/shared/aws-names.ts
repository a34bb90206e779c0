import { Aws, Fn, Stack } from 'aws-cdk-lib';
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
