import { NotFoundError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { limitReads } from '../concurrency/limit-reads.ts';
import type { Deps } from '../deps.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';
import type { LayeredCollection } from './document-cache.ts';
import { validatorFor } from './validate-changes.ts';

/** Input of {@link writeVersionedDocument}. */
export interface WriteDocumentInput {
  principal: Principal;
  collection: Exclude<LayeredCollection, 'settings'>;
  key: string;
  content: JsonObject;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Writes a profile, schema or policy through the one write path
 * (`writeNextVersion`: If-Match, conditional append), validating every
 * effective configuration the new content changes first.
 *
 * @example await writeVersionedDocument(deps, { principal, collection: 'profiles', key: 'minimal', content, reason: 'init', ticket: null, ifMatch: undefined });
 */
export function writeVersionedDocument(
  deps: WriteDeps,
  input: WriteDocumentInput,
): Promise<WriteOutcome<SettingsVersion>> {
  return writeNextVersion(
    deps,
    { tenantId: input.principal.tenantId, collection: input.collection, key: input.key },
    { ifMatch: input.ifMatch, mode: 'create-or-replace' },
    {
      author: input.principal.userId,
      ...(input.principal.email ? { authorEmail: input.principal.email } : {}),
      reason: input.reason,
      ticket: input.ticket,
      createdAt: deps.clock.now().toISOString(),
    },
    () => input.content,
    { validate: validatorFor(deps, input.principal.tenantId, input.collection, input.key) },
  );
}

/**
 * Reads the latest (or one) version of a profile, schema or policy; 404 when absent.
 *
 * @example const v = await readVersionedDocument(deps, principal, 'policies', 'envs/prod');
 */
export async function readVersionedDocument(
  deps: Pick<Deps, 'documents'>,
  principal: Principal,
  collection: LayeredCollection,
  key: string,
  version?: number,
): Promise<SettingsVersion> {
  const ref = { tenantId: principal.tenantId, collection, key };
  const found =
    version === undefined ? await deps.documents.latest(ref) : await deps.documents.get(ref, version);
  if (found === null)
    throw new NotFoundError(
      version === undefined
        ? `No ${collection} document ${key}`
        : `No version ${version} of ${collection} ${key}`,
    );
  return found;
}

/** One entry of a collection listing. */
export interface DocumentListing {
  key: string;
  version: number;
  author: string;
  createdAt: string;
  reason: string;
}

/**
 * Lists a tenant's documents of a collection with their latest version:
 * one Query for the keys, then one parallel round trip (one item each).
 *
 * @example const items = await listVersionedDocuments(deps, principal, 'profiles');
 */
export async function listVersionedDocuments(
  deps: Pick<Deps, 'documents'>,
  principal: Principal,
  collection: LayeredCollection,
): Promise<DocumentListing[]> {
  const keys = await deps.documents.listKeys(principal.tenantId, collection);
  // Why limited: a tenant with hundreds of profiles would otherwise send them all at once.
  const documents = limitReads(deps.documents);
  const latest = await Promise.all(
    keys.map((key) =>
      documents.list({ tenantId: principal.tenantId, collection, key }, { limit: 1, withContent: false }),
    ),
  );
  return keys.flatMap((key, i) => {
    const v = latest[i]?.items[0];
    return v ? [{ key, version: v.version, author: v.author, createdAt: v.createdAt, reason: v.reason }] : [];
  });
}
