import { beforeAll, describe, expect, it } from 'vitest';
import { API_RESOURCE_SERVER, API_SCOPE } from '../../lib/api/tenant-user-pool.ts';
import { SERVICE_ACCOUNT_CLIENT_ACTIONS } from '../../lib/service-accounts/grant-service-account-clients.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Every statement of the IAM policies attached to a role of a template. */
function statementsOf(template: SynthesizedPlumbline['statefulTemplate'], roleId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('service accounts on AWS (issue 15)', () => {
  it('has a resource server with the API scope and a domain serving the token endpoint', () => {
    const servers = Object.values(
      resourcesOf(synth.statefulTemplate, 'AWS::Cognito::UserPoolResourceServer'),
    );
    expect(servers.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        Identifier: API_RESOURCE_SERVER,
        Scopes: [expect.objectContaining({ ScopeName: API_SCOPE })],
      }),
    ]);
    expect(Object.keys(resourcesOf(synth.statefulTemplate, 'AWS::Cognito::UserPoolDomain'))).toHaveLength(1);
    expect(synth.stateful.users.serviceAccountScope).toBe('plumbline/api');
  });

  it('gives the service-accounts function the app-client actions on the tenant user pool only, and its variables', () => {
    // Prepare
    const fn = synth.stateless.functions.get('service-accounts');
    const roleId = synth.stateless.getLogicalId(fn.role.node.defaultChild as never);
    const fnId = synth.stateless.getLogicalId(fn.function.node.defaultChild as never);

    // Act
    const cognito = statementsOf(synth.statelessTemplate, roleId).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('cognito-idp:')),
    );
    const properties = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[fnId]?.Properties;
    const variables = (properties?.Environment as { Variables: Record<string, unknown> } | undefined)
      ?.Variables;

    // Assess
    expect(cognito).toHaveLength(1);
    expect(asList(cognito[0]?.Action ?? []).sort()).toEqual([...SERVICE_ACCOUNT_CLIENT_ACTIONS].sort());
    // The pool's ARN, exported from the stateful stack: one resource, no wildcard.
    expect(JSON.stringify(cognito[0]?.Resource)).toMatch(/UsersPool[0-9A-F]+Arn/);
    expect(JSON.stringify(cognito[0]?.Resource)).not.toContain('*');
    expect(Object.keys(variables ?? {})).toEqual(
      expect.arrayContaining([ENV.userPoolId, ENV.serviceAccountScope, ENV.tokenUrl, ENV.tenantRoleArn]),
    );
  });

  it('lets the trigger read app clients of its pool and only service account items, through DynamoDB', () => {
    // Prepare
    const trigger = synth.stateful.users.preTokenGeneration;
    const roleId = synth.stateful.getLogicalId(trigger.role.node.defaultChild as never);

    // Act
    const statements = statementsOf(synth.statefulTemplate, roleId);
    const byAction = (action: string) => statements.filter((s) => asList(s.Action).includes(action));

    // Assess
    expect(byAction('cognito-idp:DescribeUserPoolClient')).toHaveLength(1);
    expect(byAction('dynamodb:GetItem')).toEqual([
      expect.objectContaining({
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#service-accounts'] } },
      }),
    ]);
    expect(byAction('kms:Decrypt')[0]?.Condition).toHaveProperty('StringEquals');
    expect(statements.flatMap((s) => asList(s.Action))).not.toContain('dynamodb:Query');
  });
});
