import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
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
 * @example const fns = new ContextFunctions(this, 'Http', { contexts: routeContexts(), specs: CONTEXT_FUNCTIONS, data, logRetentionDays: 30 });
 */
export class ContextFunctions extends Construct {
  readonly functions = new Map<RouteContext, HouseFunction>();
  readonly tenantRoles = new Map<RouteContext, TenantAccessRole>();

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
        environment: { [ENV.tableName]: data.table.tableName },
      });
      if (spec.tenantItemActions.length > 0) {
        const tenantAccess = new TenantAccessRole(this, `${id}TenantAccess`, {
          functionRole: fn.role,
          table: data.table,
          tableKey: data.tableKey,
          actions: spec.tenantItemActions,
          description: `${spec.description}: tenant-scoped data access (assumed per tenant)`,
        });
        fn.function.addEnvironment(ENV.tableArn, data.table.tableArn);
        fn.function.addEnvironment(ENV.tableKeyArn, data.tableKey.keyArn);
        fn.function.addEnvironment(ENV.tenantRoleArn, tenantAccess.role.roleArn);
        if (spec.secrets) {
          grantTenantSecrets(tenantAccess.role, data.secretsKey);
          fn.function.addEnvironment(ENV.secretsKeyArn, data.secretsKey.keyArn);
        }
        this.tenantRoles.set(context, tenantAccess);
      }
      spec.grant?.(fn, data);
      this.functions.set(context, fn);
    }
  }

  /** The function of a context; throws for a context without routes. */
  get(context: RouteContext): HouseFunction {
    const fn = this.functions.get(context);
    if (!fn) throw new Error(`no function for context ${context}: it has no routes`);
    return fn;
  }
}
