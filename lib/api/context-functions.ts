import { Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { contextEnvNames } from '../../shared/composition/context-env.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { EnvName } from '../../shared/composition/workflow-task-env.ts';
import type { RouteContext } from '../../shared/http/route.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { grantTenantSecrets } from '../secrets/tenant-secret-grants.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';
import type { ContextFunctionSpec } from './context-function-specs.ts';
import { TenantAccessRole } from './tenant-access-role.ts';

/** Props of {@link ContextFunctions}. */
export interface ContextFunctionsProps {
  /** Contexts that have routes (`routeContexts()`); the others get no function. */
  contexts: readonly RouteContext[];
  specs: Record<RouteContext, ContextFunctionSpec>;
  data: StatefulStack;
  logRetentionDays: number;
}

/**
 * One Lambda function per bounded context (entry `lambdas/http/<context>.ts`),
 * each with its own role holding only what its spec grants: for tenant data,
 * a tenant-access role to assume (never the table itself).
 *
 * Each function's environment comes from the declaration its composition
 * root reads (`CONTEXT_PORTS` -> `PORT_ENV`, {@link contextEnvNames}):
 * values are offered once with {@link ContextFunctions.provide}, every
 * function that declares the variable gets it, and synthesis fails when a
 * function lacks a variable its root reads or carries one it does not.
 *
 * @example const fns = new ContextFunctions(this, 'Http', { contexts: routeContexts(), specs: CONTEXT_FUNCTIONS, data, logRetentionDays: 30 });
 */
export class ContextFunctions extends Construct {
  readonly functions = new Map<RouteContext, HouseFunction>();
  readonly tenantRoles = new Map<RouteContext, TenantAccessRole>();
  /** The variables every function gets from `HouseFunction` itself (logger settings), besides its ports'. */
  private static readonly HOUSE_ENV: readonly string[] = [ENV.serviceName, ENV.logLevel];

  constructor(scope: Construct, id: string, props: ContextFunctionsProps) {
    super(scope, id);
    const { data } = props;
    for (const context of props.contexts) {
      const spec = props.specs[context];
      const id = context.charAt(0).toUpperCase() + context.slice(1);
      const fn = new HouseFunction(this, id, {
        entry: lambdaEntry(`http/${context}`),
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logRetentionDays: props.logRetentionDays,
        invocation: 'synchronous',
      });
      if (spec.tenantItemActions.length > 0) {
        const tenantAccess = new TenantAccessRole(this, `${id}TenantAccess`, {
          functionRole: fn.role,
          table: data.table,
          tableKey: data.tableKey,
          actions: spec.tenantItemActions,
          description: `${spec.description}: tenant-scoped data access (assumed per tenant)`,
        });
        // Per function: each context assumes its own tenant-access role.
        this.provideTo(context, fn, ENV.tenantRoleArn, tenantAccess.role.roleArn);
        if (spec.secrets) grantTenantSecrets(tenantAccess.role, data.secretsKey);
        this.tenantRoles.set(context, tenantAccess);
      }
      spec.grant?.(fn, data);
      this.functions.set(context, fn);
    }
    this.provide(ENV.tableName, data.table.tableName);
    this.provide(ENV.tableArn, data.table.tableArn);
    this.provide(ENV.tableKeyArn, data.tableKey.keyArn);
    this.provide(ENV.secretsKeyArn, data.secretsKey.keyArn);
    this.node.addValidation({ validate: () => this.environmentErrors() });
  }

  /**
   * Offers the value of one variable: every context function whose root
   * reads it ({@link contextEnvNames}) gets it, the others do not.
   *
   * @example fns.provide(ENV.approvalStateMachineArn, stateMachine.stateMachineArn);
   */
  provide(name: EnvName, value: string): void {
    for (const [context, fn] of this.functions) this.provideTo(context, fn, name, value);
  }

  private provideTo(context: RouteContext, fn: HouseFunction, name: EnvName, value: string): void {
    if (contextEnvNames(context).includes(name)) fn.function.addEnvironment(name, value);
  }

  /** Each function's variables against its declaration: missing ones and undeclared ones. */
  private environmentErrors(): string[] {
    const errors: string[] = [];
    for (const [context, fn] of this.functions) {
      const cfn = fn.function.node.defaultChild as lambda.CfnFunction;
      const rendered = Stack.of(this).resolve(cfn.environment) as
        | { variables?: Record<string, unknown> }
        | undefined;
      const set = Object.keys(rendered?.variables ?? {}).filter(
        (n) => !ContextFunctions.HOUSE_ENV.includes(n),
      );
      const declared: string[] = contextEnvNames(context);
      const missing = declared.filter((n) => !set.includes(n));
      const extra = set.filter((n) => !declared.includes(n));
      if (missing.length > 0)
        errors.push(`${context}: its root reads ${missing.join(', ')}, which nothing provides`);
      if (extra.length > 0)
        errors.push(`${context}: ${extra.join(', ')} set, but its root reads no such variable`);
    }
    return errors;
  }

  /** The function of a context; throws for a context without routes. */
  get(context: RouteContext): HouseFunction {
    const fn = this.functions.get(context);
    if (!fn) throw new Error(`no function for context ${context}: it has no routes`);
    return fn;
  }
}
