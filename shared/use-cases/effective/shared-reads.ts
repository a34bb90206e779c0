import type { JsonObject } from '../../domain/json-value.ts';
import type { ProjectedDocument } from '../../ports/document-store.ts';
import type { Deps } from '../deps.ts';
import { ENVIRONMENTS_COLLECTION } from '../environments/environments-ref.ts';
import type { DocumentCache, LayeredCollection, PendingDocument } from './document-cache.ts';

// The reads validation and the approval step share. A module of its own, without the
// validators: the approvals function imports it and must not carry ajv, CEL or RE2.

/** The keys of a tenant's stored layers, schemas and policies (one catalog Query each, in flight). */
export type StoredKeys = Record<'settings' | 'schemas' | 'policies', Promise<string[]>>;

/**
 * Starts the three catalog Queries validation needs. Each promise is marked
 * handled so that an unused prefetch never becomes an unhandled rejection.
 * `prefixes` narrows a listing to the keys that start with it (a write of
 * one service needs only the layers below it, not every service's).
 */
export function listStoredKeys(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  prefixes: Partial<Record<'settings' | 'schemas' | 'policies', string>> = {},
): StoredKeys {
  const start = (collection: 'settings' | 'schemas' | 'policies') => {
    const prefix = prefixes[collection];
    const promise = deps.documents.listKeys(tenantId, collection, prefix === undefined ? {} : { prefix });
    promise.catch(() => undefined);
    return promise;
  };
  return { settings: start('settings'), schemas: start('schemas'), policies: start('policies') };
}

/**
 * The reads one write makes for validation, handed on to its approval step
 * so that both see the same documents and nothing is read twice: the
 * catalog Queries and the memo of stored document reads (same tenant, same
 * instant).
 */
export interface SharedReads {
  keys: StoredKeys;
  reads: DocumentCache['reads'];
  /** Each environment's stored configuration content, when the tenant was read whole ({@link preloadTenant}). */
  environments?: Promise<Map<string, JsonObject>>;
}

/** The collections a wide validation reads whole from the tenant's projection. */
export const LAYERED_COLLECTIONS: readonly LayeredCollection[] = [
  'settings',
  'profiles',
  'schemas',
  'policies',
];

/**
 * Reads the tenant's layered documents and environment configurations
 * whole from the projection of latest contents into `cache`'s memo (one
 * paginated Query) and answers the stored keys and the environments from
 * the same read, so that nothing more is read per configuration.
 */
export function preloadTenant(cache: DocumentCache, writing?: PendingDocument | undefined): SharedReads {
  const docs = cache.preload(
    [...LAYERED_COLLECTIONS, ENVIRONMENTS_COLLECTION],
    writing ? { unchecked: [writing] } : {},
  );
  const keysOf = (collection: string) =>
    docs.then((all: ProjectedDocument[]) => all.filter((d) => d.collection === collection).map((d) => d.key));
  const keys = { settings: keysOf('settings'), schemas: keysOf('schemas'), policies: keysOf('policies') };
  const environments = docs.then(
    (all) =>
      new Map(all.filter((d) => d.collection === ENVIRONMENTS_COLLECTION).map((d) => [d.key, d.content])),
  );
  for (const promise of [docs, environments, ...Object.values(keys)]) promise.catch(() => undefined);
  return { reads: cache.reads, keys, environments };
}
