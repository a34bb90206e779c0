import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/cognito/pre-token-generation.ts';

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
