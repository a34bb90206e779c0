import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  addTenantClaims,
  handler,
  type PreTokenGenerationV3Event,
} from '../../../lambdas/cognito/pre-token-generation.ts';

function event(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_abc',
    userName: 'alice',
    callerContext: { awsSdkVersion: '3', clientId: 'client' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] } },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

describe('pre-token-generation trigger', () => {
  it('adds tenant_id and the roles array to both the ID and the access token', async () => {
    // Act
    const out = await handler(
      event({ sub: 'u1', 'custom:tenant_id': 'acme', 'custom:roles': 'approver editor:prod' }),
    );

    // Assess
    const claims = { tenant_id: 'acme', roles: ['approver', 'editor:prod'] };
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    });
  });

  it('leaves the tokens unchanged for a user without a tenant', async () => {
    expect((await handler(event({ sub: 'u1' }))).response.claimsAndScopeOverrideDetails).toEqual({});
  });
});

describe('pre-token-generation trigger, V3 events', () => {
  /** A V3 client-credentials event as Cognito sends it for a machine client: no user, empty attributes. */
  function clientCredentials(clientId: string): PreTokenGenerationV3Event {
    return {
      version: '3',
      triggerSource: 'TokenGeneration_ClientCredentials',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_abc',
      userName: '',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
      request: {
        userAttributes: {},
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: ['plumbline/api'],
      },
      response: { claimsAndScopeOverrideDetails: {} },
    };
  }

  it("puts a service account's tenant and roles into the access token only", async () => {
    // Prepare
    const asked: string[] = [];
    const lookup = async (clientId: string) => {
      asked.push(clientId);
      return { tenantId: 'acme', roles: ['viewer:prod', 'secret-reader:prod'] };
    };

    // Act
    const out = await addTenantClaims(clientCredentials('client-1'), lookup);

    // Assess
    expect(asked).toEqual(['client-1']);
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant_id: 'acme', roles: ['viewer:prod', 'secret-reader:prod'] },
      },
    });
  });

  it('drops admin and approver even if an item carried them, and adds nothing for an unknown client', async () => {
    // Act
    const stripped = await addTenantClaims(clientCredentials('c'), async () => ({
      tenantId: 'acme',
      roles: ['admin', 'approver:prod', 'viewer'],
    }));
    const unknown = await addTenantClaims(clientCredentials('c'), async () => undefined);

    // Assess
    expect(
      stripped.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      tenant_id: 'acme',
      roles: ['viewer'],
    });
    expect(unknown.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it("adds the user's email to both tokens, for the requester's notifications", async () => {
    // Act
    const out = await handler(
      event({ sub: 'u1', email: 'ana@example.com', 'custom:tenant_id': 'acme', 'custom:roles': 'editor' }),
    );

    // Assess
    const claims = { tenant_id: 'acme', roles: ['editor'], email: 'ana@example.com' };
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    });
  });
});
