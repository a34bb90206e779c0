import { ConflictError, NotFoundError, PreconditionFailedError } from '../../domain/errors.ts';
import { isJsonObject, type JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import { mapWritten, type WriteOutcome } from '../approvals/write-outcome.ts';
import type { Deps } from '../deps.ts';
import { settingsRef } from '../settings/settings-ref.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';

export { TAG_PATTERN } from './snapshot-limits.ts';

/** One tag of a scope. */
export interface TagEntry {
  tag: string;
  version: number;
  taggedBy: string;
  taggedAt: string;
}

/**
 * The versioned document that holds a scope's tags (collection `tags`). Its
 * key is `of/<scope>`, not the scope key itself: tagging names an existing
 * version and changes no configuration, so it is not a change to a
 * protected environment and needs no approval.
 */
export function tagsRef(tenantId: string, scope: Scope): DocumentRef {
  return { tenantId, collection: 'tags', key: `of/${scopeKey(scope)}` };
}

function entriesOf(content: JsonObject | undefined): TagEntry[] {
  const tags = content?.tags;
  if (!isJsonObject(tags)) return [];
  return Object.entries(tags).flatMap(([tag, value]) =>
    isJsonObject(value) && typeof value.version === 'number'
      ? [{ tag, version: value.version, taggedBy: String(value.taggedBy), taggedAt: String(value.taggedAt) }]
      : [],
  );
}

/**
 * Tags a version of a settings layer (`v1.2.0`). Tags are unique per scope:
 * a tag that exists is a 409. The tag list is itself a versioned document,
 * so who tagged what and when is kept; concurrent taggers retry on the
 * optimistic-concurrency conflict.
 *
 * @example await tagVersion(deps, { principal, scope: { kind: 'global' }, version: 3, tag: 'v1.2.0' });
 */
export async function tagVersion(
  deps: WriteDeps,
  input: { principal: Principal; scope: Scope; version: number; tag: string },
): Promise<WriteOutcome<TagEntry & { scope: string }>> {
  const ref = tagsRef(input.principal.tenantId, input.scope);
  const target = await deps.documents.get(settingsRef(input.principal.tenantId, input.scope), input.version);
  if (target === null) throw new NotFoundError(`No version ${input.version} at ${scopeKey(input.scope)}`);
  const entry: TagEntry = {
    tag: input.tag,
    version: input.version,
    taggedBy: input.principal.userId,
    taggedAt: deps.clock.now().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    const latest = await deps.documents.latest(ref);
    const existing = entriesOf(latest?.content).find((e) => e.tag === input.tag);
    if (existing) {
      throw new ConflictError(
        `Tag ${input.tag} already names version ${existing.version} of ${scopeKey(input.scope)}; tags are unique per scope`,
      );
    }
    try {
      const outcome = await writeNextVersion(
        deps,
        ref,
        { ifMatch: latest?.version, mode: 'create-or-replace' },
        {
          author: input.principal.userId,
          reason: `tag ${input.tag} -> version ${input.version}`,
          ticket: null,
          createdAt: entry.taggedAt,
        },
        (current) => {
          const tags = isJsonObject(current?.content.tags) ? current.content.tags : {};
          return {
            tags: {
              ...tags,
              [input.tag]: { version: entry.version, taggedBy: entry.taggedBy, taggedAt: entry.taggedAt },
            },
          };
        },
      );
      return mapWritten(outcome, () => ({ scope: scopeKey(input.scope), ...entry }));
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= 4) throw error;
    }
  }
}

/**
 * The tags of a scope, newest version first; 404 when the scope has no
 * settings (also for another tenant's scope). Two reads in parallel.
 *
 * @example const tags = await listTags(deps, { principal, scope });
 */
export async function listTags(
  deps: Pick<Deps, 'documents'>,
  input: { principal: Principal; scope: Scope },
): Promise<TagEntry[]> {
  const [latest, layer] = await Promise.all([
    deps.documents.latest(tagsRef(input.principal.tenantId, input.scope)),
    deps.documents.list(settingsRef(input.principal.tenantId, input.scope), { limit: 1, withContent: false }),
  ]);
  if (layer.items.length === 0) throw new NotFoundError(`No settings at ${scopeKey(input.scope)}`);
  return entriesOf(latest?.content).sort((a, b) => b.version - a.version || a.tag.localeCompare(b.tag));
}

/**
 * The version a tag names; 404 when the scope has no such tag.
 *
 * @example const version = await resolveTag(deps, { principal, scope, tag: 'v1.2.0' });
 */
export async function resolveTag(
  deps: Pick<Deps, 'documents'>,
  input: { principal: Principal; scope: Scope; tag: string },
): Promise<number> {
  const found = (await listTags(deps, input)).find((e) => e.tag === input.tag);
  if (!found) throw new NotFoundError(`No tag ${input.tag} at ${scopeKey(input.scope)}`);
  return found.version;
}
