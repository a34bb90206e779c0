import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { routeContexts, routeTable } from '../../shared/http/route-table.ts';
import { ApprovalWorkflow } from '../approvals/approval-workflow.ts';
import type { StageConfig } from '../config/stage-config.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { DriftScanning } from '../drift/drift-scanning.ts';
import { ApiErrorRateAlarm, FunctionAlarms } from '../observability/alarms.ts';
import { SecretRotation } from '../secrets/secret-rotation.ts';
import { CONTEXT_FUNCTIONS } from './context-function-specs.ts';
import { ContextFunctions } from './context-functions.ts';
import { HttpTokenAuthorizer } from './http-token-authorizer.ts';
import { PlumblineHttpApi } from './plumbline-http-api.ts';
import type { TenantUserPool } from './tenant-user-pool.ts';

/** Props of {@link StatelessStack}. */
export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  data: StatefulStack;
}

/**
 * Everything that can be replaced at will: the HTTP API built from the
 * route table and its Lambda token authorizer (trusting the stateful stack's
 * user pool), one Lambda function per bounded context, the approval workflow,
 * their alarms, and later the schedules. Data, users, keys and secrets live
 * in {@link StatefulStack}.
 *
 * @example new StatelessStack(app, 'Plumbline-dev-Stateless', { config, data, env });
 */
export class StatelessStack extends Stack {
  readonly api: PlumblineHttpApi;
  readonly users: TenantUserPool;
  /** The HTTP API's Lambda authorizer (Cognito access tokens of users and service accounts). */
  readonly tokenAuthorizer: HttpTokenAuthorizer;
  readonly functions: ContextFunctions;
  /** The daily secret rotation job (issue 13). */
  readonly secretRotation: SecretRotation;
  readonly approvals: ApprovalWorkflow;
  /** Drift detection on a schedule (issue 14). */
  readonly drift: DriftScanning;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    this.users = data.users;
    // A Lambda authorizer, not the JWT one: service-account tokens come from many app clients (issue 15).
    this.tokenAuthorizer = new HttpTokenAuthorizer(this, 'TokenAuthorizer', {
      issuerUrl: this.users.issuerUrl,
      userClientId: this.users.client.userPoolClientId,
      logRetentionDays: config.logRetentionDays,
    });

    this.functions = new ContextFunctions(this, 'Http', {
      contexts: routeContexts(),
      specs: CONTEXT_FUNCTIONS,
      data,
      logRetentionDays: config.logRetentionDays,
    });
    this.api = new PlumblineHttpApi(this, 'Api', {
      apiName: `plumbline-${config.stage}`,
      routes: routeTable,
      functionFor: (context) => this.functions.get(context).function,
      authorizer: this.tokenAuthorizer.authorizer,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      logRetentionDays: config.logRetentionDays,
    });

    this.approvals = new ApprovalWorkflow(this, 'Approvals', {
      stage: config.stage,
      data,
      logRetentionDays: config.logRetentionDays,
      httpFunctions: this.functions,
      publicUrl: this.api.url,
    });
    // The daily secret rotation job (issue 13).
    this.secretRotation = new SecretRotation(this, 'SecretRotation', {
      data,
      logRetentionDays: config.logRetentionDays,
      stateMachineArn: this.approvals.stateMachine.stateMachineArn,
    });
    // Drift detection (issue 14): schedule, queue, dispatcher, scanner and alarms; the clusters API queues scans.
    this.drift = new DriftScanning(this, 'Drift', {
      data,
      logRetentionDays: config.logRetentionDays,
      intervalMinutes: config.scanIntervalMinutes,
      publicUrl: this.api.url,
    });
    const clusters = this.functions.functions.get('clusters');
    if (clusters) this.drift.grantScanRequests(clusters);
    // The system context names the API in the OpenAPI document's `servers` (CONTEXT_PORTS.system).
    this.functions.provide(ENV.publicUrl, this.api.url);

    new ApiErrorRateAlarm(this, 'Api5xxRate', { api: this.api.api, topic: data.alertsTopic });
    for (const [context, fn] of this.functions.functions) {
      new FunctionAlarms(this, `${context}Alarms`, {
        fn: fn.function,
        topic: data.alertsTopic,
        name: context,
      });
    }
    new FunctionAlarms(this, 'PreTokenGenerationAlarms', {
      fn: this.users.preTokenGeneration.function,
      topic: data.alertsTopic,
      name: 'pre-token-generation',
    });

    new FunctionAlarms(this, 'TokenAuthorizerAlarms', {
      fn: this.tokenAuthorizer.fn.function,
      topic: data.alertsTopic,
      name: 'http-authorizer',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'PLUMBLINE_URL for the plumb CLI' });
  }
}
