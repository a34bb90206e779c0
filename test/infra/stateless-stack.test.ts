import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_FUNCTIONS } from '../../lib/api/context-function-specs.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { RouteContext } from '../../shared/http/route.ts';
import { routeContexts, routeTable } from '../../shared/http/route-table.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The IAM policy variable of the tenant session tag (a literal, not a template). */
const PRINCIPAL_TAG_VARIABLE = ['$', '{aws:PrincipalTag/TenantId}'].join('');

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  synth.stateless.getLogicalId(construct.node.defaultChild as never);
const statefulId = (construct: { node: { defaultChild?: unknown } }): string =>
  synth.stateful.getLogicalId(construct.node.defaultChild as never);

/** Every statement of every IAM policy in a template, with the role(s) it is attached to. */
function policyStatements(
  template: SynthesizedPlumbline['statelessTemplate'],
): { roles: string[]; statement: Statement }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((policy) => {
    const roles = (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
    return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      roles,
      statement,
    }));
  });
}

function statementsOfRole(roleId: string): Statement[] {
  return policyStatements(synth.statelessTemplate)
    .filter((p) => p.roles.includes(roleId))
    .map((p) => p.statement);
}

function actionsOfRole(roleId: string): string[] {
  return statementsOfRole(roleId)
    .flatMap((s) => asList(s.Action))
    .sort();
}

describe('HTTP API built from the route table', () => {
  it('has exactly the routes of the route table, each behind the Lambda token authorizer unless its permission is null', () => {
    // Prepare
    const expected = routeTable
      .map((r) => `${r.method} ${r.path} ${r.permission === null ? 'NONE' : 'CUSTOM'}`)
      .sort();

    // Act
    const actual = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Route'))
      .map((r) => `${r.Properties.RouteKey} ${r.Properties.AuthorizationType}`)
      .sort();

    // Assess
    expect(actual).toEqual(expected);
  });

  // The token authorizer itself (type, identity source, cache, every guarded route): http-token-authorizer.test.ts.

  it("sends each route to its bounded context's function", () => {
    // Prepare
    const integrations = resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Integration');
    const functionIdOf = (context: RouteContext) =>
      logicalId(synth.stateless.functions.get(context).function);

    // Act / Assess
    for (const route of Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Route'))) {
      const tableRoute = routeTable.find((r) => `${r.method} ${r.path}` === route.Properties.RouteKey);
      const target = JSON.stringify(route.Properties.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id));
      const uri = integrations[integrationId ?? '']?.Properties.IntegrationUri;
      expect(uri).toEqual({ 'Fn::GetAtt': [functionIdOf(tableRoute?.context ?? 'system'), 'Arn'] });
      expect(integrations[integrationId ?? '']?.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('lets API Gateway invoke each function through one permission scoped to this API', () => {
    // The token authorizer's own permission (scoped to the authorizer) is checked in http-token-authorizer.test.ts.
    const permissions = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Permission')).filter(
      (p) =>
        p.Properties.Principal === 'apigateway.amazonaws.com' &&
        !JSON.stringify(p.Properties.SourceArn).includes('/authorizers/'),
    );
    expect(permissions).toHaveLength(routeContexts().length);
    const apiId = Object.keys(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Api'))[0];
    for (const permission of permissions) {
      expect(permission.Properties.Action).toBe('lambda:InvokeFunction');
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${apiId}"},"/*/*/*"`);
    }
  });

  it('throttles the auto-deployed $default stage and writes JSON access logs to a retained log group', () => {
    const stage = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const access = stage?.Properties.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': string[] };
      Format: string;
    };
    const format = JSON.parse(access.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.routeKey).toBe('$context.routeKey');
    expect(Object.values(format).some((v) => /header|body/i.test(v))).toBe(false);
    const logGroup = resourcesOf(synth.statelessTemplate, 'AWS::Logs::LogGroup')[
      access.DestinationArn['Fn::GetAtt'][0] ?? ''
    ];
    expect(logGroup?.Properties.RetentionInDays).toBe(30);
    expect(logGroup?.DeletionPolicy).toBe('Retain');
  });
});

describe('Lambda functions', () => {
  const functions = () => Object.entries(resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function'));

  it('exist once per bounded context that has routes, and for no other context', () => {
    const inTemplate = new Set(functions().map(([id]) => id));
    for (const context of Object.keys(CONTEXT_FUNCTIONS) as RouteContext[]) {
      expect(synth.stateless.functions.functions.has(context)).toBe(routeContexts().includes(context));
    }
    for (const context of routeContexts()) {
      expect(inTemplate).toContain(logicalId(synth.stateless.functions.get(context).function));
    }
  });

  it('run the newest Node.js runtime aws-cdk-lib knows, on ARM64, with tracing and explicit memory and timeout', () => {
    // Prepare
    const newest = Object.keys(lambda.Runtime)
      .map((name) => /^NODEJS_(\d+)_X$/.exec(name)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .sort((a, b) => b - a)[0];

    // Act / Assess
    for (const [, fn] of functions()) {
      expect(fn.Properties).toMatchObject({
        Runtime: `nodejs${newest}.x`,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Properties.MemorySize).toEqual(expect.any(Number));
      expect(fn.Properties.Timeout).toEqual(expect.any(Number));
    }
  });

  it('log to their own log group with retention', () => {
    for (const [, fn] of functions()) {
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(
        resourcesOf(synth.statelessTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays,
      ).toBe(30);
    }
  });

  it('read only environment variables named in shared/composition/env-vars.ts', () => {
    const known = new Set<string>(Object.values(ENV));
    for (const [, fn] of functions()) {
      const variables =
        (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const name of Object.keys(variables)) expect(known).toContain(name);
    }
  });

  it('give the tenant-access role only to contexts that touch tenant data', () => {
    const env = (context: RouteContext) => {
      const fn = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[
        logicalId(synth.stateless.functions.get(context).function)
      ];
      return (
        (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {}
      );
    };
    expect(env('settings')[ENV.tenantRoleArn]).toEqual({
      'Fn::GetAtt': [
        logicalId(synth.stateless.functions.tenantRoles.get('settings')?.role ?? synth.stateless),
        'Arn',
      ],
    });
    expect(env('settings')[ENV.tableArn]).toBeDefined();
    // The system root reads only the public URL (CONTEXT_PORTS.system): no table, no tenant role.
    expect(Object.keys(env('system')).sort()).toEqual([ENV.publicUrl, ENV.logLevel, ENV.serviceName].sort());
  });
});

describe('least privilege', () => {
  it('grants no wildcard action in any policy of either stack', () => {
    for (const template of [synth.statefulTemplate, synth.statelessTemplate]) {
      for (const { statement } of policyStatements(template)) {
        for (const action of asList(statement.Action)) expect(action).not.toMatch(/^\*$|:\*$/);
      }
    }
  });

  it('gives function roles no access to the table or its key: only logs, traces and assuming their tenant role', () => {
    for (const [, fn] of synth.stateless.functions.functions) {
      const statements = statementsOfRole(logicalId(fn.role));
      expect(statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('dynamodb:'))).toEqual(
        [],
      );
      expect(JSON.stringify(statements.map((s) => s.Resource))).not.toMatch(/SettingsTable|SettingsKey/);
    }
    expect(actionsOfRole(logicalId(synth.stateless.functions.get('system').role))).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const settingsRole = logicalId(synth.stateless.functions.get('settings').role);
    const tenantRole = logicalId(
      synth.stateless.functions.tenantRoles.get('settings')?.role ?? synth.stateless,
    );
    expect(statementsOfRole(settingsRole)).toContainEqual(
      expect.objectContaining({
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: { 'Fn::GetAtt': [tenantRole, 'Arn'] },
      }),
    );
    expect(actionsOfRole(settingsRole).filter((a) => a.startsWith('sts:'))).toEqual([
      'sts:AssumeRole',
      'sts:TagSession',
    ]);
  });

  it('lets the tenant-access role be assumed only by its function role, with a TenantId session tag', () => {
    const tenantRole = synth.stateless.functions.tenantRoles.get('settings')?.role;
    const role = resourcesOf(synth.statelessTemplate, 'AWS::IAM::Role')[
      logicalId(tenantRole ?? synth.stateless)
    ];
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] } | undefined;
    expect(trust?.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: {
          AWS: { 'Fn::GetAtt': [logicalId(synth.stateless.functions.get('settings').role), 'Arn'] },
        },
        Condition: {
          StringLike: { 'aws:RequestTag/TenantId': '?*' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['TenantId'] },
        },
      },
    ]);
    expect(role?.Properties.MaxSessionDuration).toBe(3600);
  });

  it("allows the tenant-access role only its context's item actions, on the table, for keys of the session's tenant", () => {
    // Prepare
    const tenantRole = logicalId(
      synth.stateless.functions.tenantRoles.get('settings')?.role ?? synth.stateless,
    );

    // Act
    const statements = statementsOfRole(tenantRole);

    // Assess
    const items = statements.find((s) => s.Sid === 'TenantItemsOfTheSessionTenantOnly');
    expect(asList(items?.Action ?? []).sort()).toEqual(
      [...CONTEXT_FUNCTIONS.settings.tenantItemActions].sort(),
    );
    expect(JSON.stringify(items?.Resource)).toMatch(/SettingsTable.*Arn/);
    expect(items?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PRINCIPAL_TAG_VARIABLE}#*`] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
    const key = statements.find((s) => s.Sid === 'TableKeyThroughDynamoDbOnly');
    expect(key?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
      },
    });
    // The settings context resolves secret references: its secret statements are asserted in secrets-isolation.test.ts.
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      'SecretsKeyUnderTheSessionTenantContextOnly',
      'SecretsOfTheSessionTenantOnly',
      'TableKeyThroughDynamoDbOnly',
      'TenantItemsOfTheSessionTenantOnly',
    ]);
  });
});

describe('Cognito', () => {
  it('is admin-only, requires TOTP MFA and strong passwords, and keeps users when the stack goes', () => {
    const [, pool] = Object.entries(resourcesOf(synth.statefulTemplate, 'AWS::Cognito::UserPool'))[0] ?? [];
    expect(pool?.DeletionPolicy).toBe('Retain');
    expect(pool?.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'ESSENTIALS',
      Policies: {
        PasswordPolicy: expect.objectContaining({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    expect(pool?.Properties.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'tenant_id', AttributeDataType: 'String', Mutable: false }),
        expect.objectContaining({ Name: 'roles', AttributeDataType: 'String', Mutable: true }),
      ]),
    );
  });

  it('adds the tenant_id and roles claims with a V3 pre-token-generation trigger (users and machine clients)', () => {
    synth.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [statefulId(synth.stateful.users.preTokenGeneration.function), 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
  });

  it('has a public CLI client that cannot write its own tenant or roles', () => {
    const client = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
    expect(client?.Properties.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
    expect(client?.Properties.WriteAttributes).toEqual(['name']);
    expect(client?.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:tenant_id', 'custom:roles']),
    );
  });
});

describe('operability', () => {
  it('alarms on the API 5xx rate and on errors and throttles of every function, all to the alerts topic', () => {
    // Prepare
    const alarms = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::CloudWatch::Alarm'));
    const alerts = synth.stateless.resolve(synth.stateful.alertsTopic.topicArn);
    const alarmed = (metric: string, functionId: string) =>
      alarms.some(
        (a) =>
          a.Properties.MetricName === metric &&
          JSON.stringify(a.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
      );

    // Act / Assess
    for (const functionId of Object.keys(resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function'))) {
      expect(alarmed('Errors', functionId), functionId).toBe(true);
      expect(alarmed('Throttles', functionId), functionId).toBe(true);
    }
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([alerts]);
    const rate = alarms.find((a) =>
      JSON.stringify(a.Properties.Metrics ?? '').includes('"MetricName":"5xx"'),
    );
    expect(JSON.stringify(rate?.Properties.Metrics)).toContain(
      'IF(requests >= 10, 100 * errors / requests, 0)',
    );
    expect(rate?.Properties).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  it('outputs the API URL (stateless), the user pool id and the client id (stateful)', () => {
    synth.statelessTemplate.hasOutput('ApiUrl', {});
    for (const name of ['UserPoolId', 'UserPoolClientId']) synth.statefulTemplate.hasOutput(name, {});
    expect(Stack.of(synth.stateless).region).toBe('eu-west-1');
  });
});
