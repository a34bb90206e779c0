import * as v from 'valibot';
import { ReasonSchema } from '../schemas.ts';

/** Service account ids are UUIDs (the directory makes them). */
export const SERVICE_ACCOUNT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Path parameters of the routes of one service account. */
export const IdParams = v.object({
  id: v.pipe(v.string(), v.regex(SERVICE_ACCOUNT_ID_PATTERN, 'must be a service account id (a UUID)')),
});

/** Body of `POST /v1/service-accounts`. */
export const CreateServiceAccountBody = v.strictObject({
  name: v.pipe(
    v.string('name is required'),
    v.regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit',
    ),
  ),
  roles: v.pipe(
    v.array(v.pipe(v.string('each role is a string'), v.maxLength(100)), 'roles is a list of role:env'),
    v.minLength(1, 'give the account at least one role'),
    v.maxLength(20, 'at most 20 roles'),
  ),
  reason: ReasonSchema,
});

/** A service account as the routes answer it (never its secret). */
export const AccountSchema = v.object({
  id: v.string(),
  name: v.string(),
  clientId: v.string(),
  roles: v.array(v.string()),
  reason: v.string(),
  createdBy: v.string(),
  createdAt: v.string(),
  rotatedAt: v.optional(v.string()),
});

/** A service account with a client secret just issued (create, rotate). */
export const IssuedSchema = v.object({
  ...AccountSchema.entries,
  clientSecret: v.string(),
  tokenUrl: v.string(),
});

/** What every service-account route module declares alike: its OpenAPI tag, its problem texts, and the headers of an answer holding a secret. */
export const SERVICE_ACCOUNT_ROUTE = {
  tags: ['service-accounts'],
  texts: {
    notFound: 'No such service account',
    forbidden: 'Role admin (for every environment) is required',
  },
  /** Secrets are shown once: nothing may keep the answer. */
  noStore: { 'cache-control': 'no-store', pragma: 'no-cache' },
};

/** The wire view of an account: everything but the tenant (implied by the caller). */
export function publicView<A extends { tenantId: string }>(account: A): Omit<A, 'tenantId'> {
  const { tenantId: _tenant, ...rest } = account;
  return rest;
}
