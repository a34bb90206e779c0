import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/composition/env-vars.ts';
import { routeTable } from '../../shared/http/route-table.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

const statelessId = (construct: { node: { defaultChild?: unknown } }): string =>
  synth.stateless.getLogicalId(construct.node.defaultChild as never);
const statefulId = (construct: { node: { defaultChild?: unknown } }): string =>
  synth.stateful.getLogicalId(construct.node.defaultChild as never);

describe('the HTTP API token authorizer (issue 15: service-account tokens accepted on AWS)', () => {
  it('is one Lambda REQUEST authorizer: payload 2.0, simple responses, keyed by Authorization, cached 60 s', () => {
    // Act
    const authorizers = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'));

    // Assess
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify(authorizers[0]?.Properties.AuthorizerUri)).toContain(
      statelessId(synth.stateless.tokenAuthorizer.fn.function),
    );
  });

  it('guards every route whose permission is not null, and no public one', () => {
    // Prepare
    const [authorizerId] = Object.keys(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'));
    const routes = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Route'));

    // Act / Assess
    expect(routes).toHaveLength(routeTable.length);
    for (const route of routes) {
      const entry = routeTable.find((r) => `${r.method} ${r.path}` === route.Properties.RouteKey);
      if (entry?.permission === null) {
        expect(route.Properties.AuthorizationType).toBe('NONE');
        expect(route.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(route.Properties.AuthorizationType).toBe('CUSTOM');
        expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      }
    }
  });

  it("trusts the stateful stack's pool (issuer) and names its CLI client, and nothing else", () => {
    // Act
    const fn = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[
      statelessId(synth.stateless.tokenAuthorizer.fn.function)
    ];
    const environment = fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined;
    const variables = environment?.Variables ?? {};

    // Assess
    expect(Object.keys(variables).sort()).toEqual(
      [ENV.logLevel, ENV.serviceName, ENV.tokenIssuer, ENV.userClientId].sort(),
    );
    expect(JSON.stringify(variables[ENV.tokenIssuer])).toMatch(
      new RegExp(`${statefulId(synth.stateful.users.userPool)}ProviderURL`),
    );
    expect(JSON.stringify(variables[ENV.userClientId])).toContain(statefulId(synth.stateful.users.client));
  });

  it('has no data access: its role may only write its logs and traces', () => {
    // Prepare
    const roleId = statelessId(synth.stateless.tokenAuthorizer.fn.role);

    // Act
    const actions = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .sort();

    // Assess
    expect(actions).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it("may be invoked by API Gateway only through this API's authorizers", () => {
    // Act
    const permissions = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Permission')).filter(
      (p) =>
        JSON.stringify(p.Properties.FunctionName).includes(
          statelessId(synth.stateless.tokenAuthorizer.fn.function),
        ),
    );

    // Assess
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toContain('/authorizers/');
  });

  it("logs the tenant and subject from the authorizer's context in the access log", () => {
    // Act
    const stage = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties.AccessLogSettings as { Format: string } | undefined;
    const format = JSON.parse(settings?.Format ?? '{}') as Record<string, string>;

    // Assess
    expect(format.tenantId).toBe('$context.authorizer.tenant_id');
    expect(format.userId).toBe('$context.authorizer.sub');
  });
});
