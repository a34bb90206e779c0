/** Cognito pre-token-generation trigger (event version V2_0): adds the `tenant_id` and `roles` claims. */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { tenantClaimsFromAttributes } from '../../shared/domain/tenant-claims.ts';

/**
 * Copies the user's `custom:tenant_id` and `custom:roles` attributes into
 * the ID and access tokens as `tenant_id` (string) and `roles` (array; the
 * HTTP API's JWT authorizer hands it to handlers as `"[admin editor:dev]"`).
 * A user without a valid tenant gets tokens without these claims, which the
 * API rejects with 401.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const claims = tenantClaimsFromAttributes(event.request.userAttributes);
  if (!claims) return event;
  // The V2 event accepts arrays as claim values; @types/aws-lambda types them as strings only.
  const claimsToAddOrOverride = claims as unknown as Record<string, string>;
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride },
      accessTokenGeneration: { claimsToAddOrOverride },
    },
  };
  return event;
};
