/** Cognito pre-token-generation trigger (event version V3_0): `tenant_id`, `roles` and `email` claims. */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import type { ServiceAccountGrant } from '../../shared/adapters/aws/cognito-service-account-directory.ts';
import { ENV } from '../../shared/composition/env-vars.ts';
import {
  type TenantClaims,
  tenantClaimsForServiceAccount,
  tenantClaimsFromAttributes,
} from '../../shared/domain/tenant-claims.ts';

/**
 * The V3 event: the V2 shape, plus `TokenGeneration_ClientCredentials` for
 * machine clients (no user: `userName` absent, `userAttributes` empty; the
 * app client id in `callerContext.clientId`). Only the access token is
 * issued then, so only its claims apply.
 */
export type PreTokenGenerationV3Event = Omit<
  PreTokenGenerationV2TriggerEvent,
  'version' | 'triggerSource'
> & {
  version: string;
  triggerSource: PreTokenGenerationV2TriggerEvent['triggerSource'] | 'TokenGeneration_ClientCredentials';
};

/** Finds the service account behind an app client id. */
export type ServiceAccountLookup = (clientId: string) => Promise<ServiceAccountGrant | undefined>;

/**
 * The trigger's logic. Users: their `custom:tenant_id`, `custom:roles` and
 * `email` attributes become `tenant_id`, `roles` (an array; the HTTP API's
 * JWT authorizer hands it on as `"[admin editor:dev]"`) and `email` in the
 * ID and access tokens. Machine clients (client credentials): the service
 * account's tenant and roles go into the access token. Anyone without a
 * valid tenant gets tokens without these claims, which the API refuses (401).
 *
 * @example await addTenantClaims(event, (clientId) => serviceAccountGrantOf(deps, clientId))
 */
export async function addTenantClaims(
  event: PreTokenGenerationV3Event,
  lookup: ServiceAccountLookup,
): Promise<PreTokenGenerationV3Event> {
  if (event.triggerSource === 'TokenGeneration_ClientCredentials') {
    const grant = await lookup(event.callerContext.clientId);
    const claims = grant && tenantClaimsForServiceAccount(grant);
    if (!claims) return event;
    event.response = {
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: asClaims(claims) } },
    };
    return event;
  }
  const claims = tenantClaimsFromAttributes(event.request.userAttributes);
  if (!claims) return event;
  const claimsToAddOrOverride = asClaims(claims);
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride },
      accessTokenGeneration: { claimsToAddOrOverride },
    },
  };
  return event;
}

// The V2/V3 events accept arrays as claim values; @types/aws-lambda types them as strings only.
const asClaims = (claims: TenantClaims): Record<string, string> =>
  claims as unknown as Record<string, string>;

let lookup: ServiceAccountLookup | undefined;

/** The service account lookup, built on the first machine token (its SDK clients load then). */
async function serviceAccountLookup(userPoolId: string): Promise<ServiceAccountLookup> {
  if (lookup) return lookup;
  const { serviceAccountLookupFrom } = await import(
    '../../shared/adapters/aws/cognito-service-account-directory.ts'
  );
  lookup = serviceAccountLookupFrom({ userPoolId, tableName: process.env[ENV.tableName] ?? '' });
  return lookup;
}

/** The Lambda handler Cognito invokes. */
export const handler = async (event: PreTokenGenerationV3Event): Promise<PreTokenGenerationV3Event> =>
  addTenantClaims(event, async (clientId) => (await serviceAccountLookup(event.userPoolId))(clientId));
