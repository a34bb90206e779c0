import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route, RouteContext } from '../../shared/http/route.ts';
import { vendedLogGroupName } from '../shared/aws-names.ts';

/** Props of {@link PlumblineHttpApi}. */
export interface PlumblineHttpApiProps {
  apiName: string;
  /** The route table: one API Gateway route per entry. */
  routes: readonly Route[];
  /** The function serving each context that has routes. */
  functionFor: (context: RouteContext) => lambda.IFunction;
  /** Guards every route whose permission is not `null`. */
  authorizer: apigwv2.IHttpRouteAuthorizer;
  rateLimit: number;
  burstLimit: number;
  logRetentionDays: number;
}

/** The JSON access log line (one per request; no headers or bodies, so no tokens or secrets). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  // The Lambda authorizer's context keys (`AuthorizerContext`).
  tenantId: '$context.authorizer.tenant_id',
  userId: '$context.authorizer.sub',
};

/**
 * The HTTP API built from the shared route table: each route becomes an API
 * Gateway route with the same method and path, integrated with the Lambda
 * function of its bounded context (payload 2.0, dispatch on `routeKey`),
 * behind the Lambda token authorizer unless its permission is `null`. One `$default`
 * stage, auto-deployed, throttled, with JSON access logs.
 *
 * @example new PlumblineHttpApi(this, 'Api', { apiName, routes: routeTable, functionFor, authorizer, rateLimit: 50, burstLimit: 100, logRetentionDays: 30 });
 */
export class PlumblineHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly routes: apigwv2.HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: PlumblineHttpApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'HttpApi', { apiName: props.apiName, createDefaultStage: false });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: vendedLogGroupName('apigateway', `${props.apiName}-access`),
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = new Map<RouteContext, HttpLambdaIntegration>();
    const integrationFor = (context: RouteContext): HttpLambdaIntegration => {
      let integration = integrations.get(context);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${context}Integration`, props.functionFor(context), {
          // Why: one invoke permission per function (this API, any stage and route) instead of one per
          // route, so a growing route table cannot outgrow Lambda's 20 KB resource-policy limit.
          scopePermissionToRoute: false,
        });
        integrations.set(context, integration);
      }
      return integration;
    };
    const publicAccess = new apigwv2.HttpNoneAuthorizer();
    for (const route of props.routes) {
      const httpRoute = new apigwv2.HttpRoute(this, `Route-${route.id}`, {
        httpApi: this.api,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration: integrationFor(route.context),
        authorizer: route.permission === null ? publicAccess : props.authorizer,
      });
      if (route.permission === null) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (permission null in the route table): ${route.summary}.`,
        });
      }
      this.routes.push(httpRoute);
    }
  }

  /** The base URL clients use (`PLUMBLINE_URL`). */
  get url(): string {
    return this.stage.url;
  }
}
