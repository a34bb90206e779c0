import { contentHash } from '../../domain/canonical-hash.ts';
import {
  appendViolations,
  DomainError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnprocessableError,
  ValidationError,
  type Violation,
} from '../../domain/errors.ts';
import { diffDocuments, type PatchOperation } from '../../domain/json-patch.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { PROFILE_NAME_PATTERN } from '../../domain/layers/profile-references.ts';
import { can, type Permission, type Principal } from '../../domain/rbac.ts';
import { NAME_PATTERN, parseScopeKey, scopeEnv } from '../../domain/scope.ts';
import { limitReads } from '../concurrency/limit-reads.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import { DocumentCache, type LayeredCollection, type PendingDocument } from '../effective/document-cache.ts';
import { preloadTenant, type SharedReads } from '../effective/shared-reads.ts';
import { assertValid, type ValidationReport, validateOneOfMany } from '../effective/validate-changes.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';
import { SNAPSHOT_COLLECTIONS } from './export-snapshot.ts';
import { MAX_IMPORT_DOCUMENTS } from './snapshot-limits.ts';

/** A document as an import receives it (from a snapshot). */
export interface ImportDocument {
  collection: LayeredCollection;
  key: string;
  content: JsonObject;
}

/** What an import does (or would do) with one document. */
export interface ImportItem {
  collection: LayeredCollection;
  key: string;
  action: 'create' | 'update' | 'unchanged';
  /** The version the plan compared against (`null`: none yet). */
  currentVersion: number | null;
  /** RFC 6902 patch from the current content to the snapshot's. */
  diff: PatchOperation[];
  validation: { valid: boolean; errors: Violation[]; warnings: Violation[] };
  /** Apply only: what happened. */
  result?: 'written' | 'skipped';
  /** Apply only: the version written. */
  version?: number;
  /** Apply only: why it was skipped. */
  skipped?: {
    reason: 'unchanged' | 'forbidden' | 'invalid' | 'conflict' | 'approval-required' | 'error';
    detail: string;
    /** The stable code of what stopped it (`precondition-failed`, `settings-invalid`, `approval-required` ...). */
    code?: string;
  };
}

/** The answer of an import. */
export interface ImportReport {
  mode: 'plan' | 'apply';
  summary: {
    create: number;
    update: number;
    unchanged: number;
    invalid: number;
    written: number;
    skipped: number;
  };
  documents: ImportItem[];
}

const WRITE_PERMISSION: Record<LayeredCollection, Permission> = {
  settings: 'settings:write',
  profiles: 'profiles:write',
  schemas: 'schemas:write',
  policies: 'policies:write',
};

export { MAX_IMPORT_DOCUMENTS };

/**
 * Documents validated at once. Each validation fans out its own reads (all
 * through the request's read limiter) and CPU work; a few at a time keep
 * the reads flowing without piling up thousands of pending promises.
 */
const VALIDATIONS_IN_FLIGHT = 4;

/**
 * Checks the number of documents, their keys and their content, each
 * against its kind's one content schema and domain rules (the checks of its
 * PUT route: `checkDocumentContent`); lists every problem (400). Returns the
 * documents with their content as a PUT would store it (schema defaults).
 */
export async function checkImportDocuments(documents: readonly ImportDocument[]): Promise<ImportDocument[]> {
  if (documents.length > MAX_IMPORT_DOCUMENTS) {
    throw new ValidationError(`An import takes at most ${MAX_IMPORT_DOCUMENTS} documents`, [
      {
        pointer: '/body/documents',
        rule: 'maxLength',
        value: documents.length,
        message: `at most ${MAX_IMPORT_DOCUMENTS} documents per import`,
        hint: 'Split the snapshot, for example one export per environment',
      },
    ]);
  }
  const { problems, checked } = await importDocumentViolations(documents);
  if (problems.length > 0)
    throw new ValidationError('The snapshot has documents that cannot be imported', problems);
  return checked as ImportDocument[];
}

/**
 * The per-document checks of {@link checkImportDocuments} (duplicate, key,
 * content), on documents whose members may be missing: the parts of a
 * snapshot its body schema accepted, when it refused others. A key is
 * checked when its document has a collection and a key, a content when it
 * has a collection and a content; pointers keep each document's index.
 * Returns the problems, and each document with its content as a PUT would
 * store it (`undefined` where it is incomplete).
 *
 * @example (await importDocumentViolations([undefined, { collection: 'policies', key: 'envs/Bad' }])).problems[0]?.pointer // '/body/documents/1/key'
 */
export async function importDocumentViolations(
  documents: readonly (Partial<ImportDocument> | undefined)[],
): Promise<{ problems: Violation[]; checked: (ImportDocument | undefined)[] }> {
  // The content checks (the schema compiler among them) load with the first import, not at cold start.
  const { checkDocumentContent } = await import('../../domain/documents/check-document-content.ts');
  const problems: Violation[] = [];
  const seen = new Set<string>();
  const checked = documents.map((doc, i) => {
    const at = `/body/documents/${i}`;
    if (doc?.collection === undefined) return undefined;
    if (doc.key !== undefined) {
      const id = `${doc.collection}\n${doc.key}`;
      if (seen.has(id))
        problems.push({
          pointer: `${at}/key`,
          rule: 'duplicate',
          value: doc.key,
          message: `${doc.collection} ${doc.key} appears twice`,
        });
      seen.add(id);
      if (!keyIsValid(doc.collection, doc.key)) {
        problems.push({
          pointer: `${at}/key`,
          rule: 'key',
          value: doc.key,
          message: `not a valid key for ${doc.collection}`,
          hint: keyHint[doc.collection],
        });
      }
    }
    if (doc.content === undefined) return undefined;
    const content = checkDocumentContent(doc.collection, doc.content, `${at}/content`);
    if (content.violations) appendViolations(problems, content.violations);
    return doc.key === undefined
      ? undefined
      : { collection: doc.collection, key: doc.key, content: content.content ?? doc.content };
  });
  return { problems, checked };
}

function keyIsValid(collection: LayeredCollection, key: string): boolean {
  return collection === 'settings'
    ? parseScopeKey(key) !== undefined
    : collection === 'profiles'
      ? PROFILE_NAME_PATTERN.test(key)
      : collection === 'schemas'
        ? /^services\//.test(key) && NAME_PATTERN.test(key.slice('services/'.length))
        : /^envs\//.test(key) && NAME_PATTERN.test(key.slice('envs/'.length));
}

const keyHint: Record<LayeredCollection, string> = {
  settings: 'global, envs/<env>, envs/<env>/services/<service> or .../instances/<instance>',
  profiles: 'a profile name such as high_availability',
  schemas: 'services/<service>',
  policies: 'envs/<env>',
};

function applyOrder(doc: ImportDocument): number {
  const collection = SNAPSHOT_COLLECTIONS.indexOf(doc.collection);
  const depth = doc.collection === 'settings' ? (doc.key === 'global' ? 0 : doc.key.split('/').length) : 0;
  return collection * 10 + depth;
}

/**
 * Plans (default) or applies an import of snapshot documents. The plan
 * lists, per document, create/update/unchanged with the diff from the
 * current version and the validation result of the whole snapshot taken
 * together. Apply writes each changed, valid, permitted document through
 * the one write path with If-Match = the version the plan saw (so a
 * document changed meanwhile is skipped as a conflict, never overwritten),
 * profiles, schemas and policies first, then layers from global down; it
 * reports every skipped document and why.
 *
 * @example const report = await importSnapshot(deps, { principal, documents, mode: 'plan', reason: 'restore' });
 */
export async function importSnapshot(
  deps: WriteDeps,
  input: {
    principal: Principal;
    documents: ImportDocument[];
    mode: 'plan' | 'apply';
    reason: string;
    ticket?: string | null;
  },
): Promise<ImportReport> {
  const tenantId = input.principal.tenantId;
  const ordered = (await checkImportDocuments(input.documents)).sort((a, b) => applyOrder(a) - applyOrder(b));
  // One read limiter and one memo of stored reads for the whole request: the plan, every
  // document's validation and the apply read each stored document once, never more than
  // READS_IN_FLIGHT at a time, and the catalog Queries run once.
  const limited = { ...deps, documents: limitReads(deps.documents) };
  // The tenant's documents come whole from its projection of latest contents (one paginated
  // Query): the plan and every validation then read from memory, whatever the number of services.
  const stored = new DocumentCache(limited.documents, tenantId);
  const shared = preloadTenant(stored);
  const current = await Promise.all(ordered.map((d) => stored.get(d.collection, d.key)));
  const unchanged = ordered.map((d, i) => {
    const before = current[i];
    return before != null && contentHash(before.content) === contentHash(d.content);
  });
  const changed: PendingDocument[] = ordered.filter((_, i) => !unchanged[i]);
  const reports = await mapLimit(ordered, VALIDATIONS_IN_FLIGHT, (doc, i) =>
    unchanged[i]
      ? Promise.resolve<ValidationReport>({ valid: true, errors: [], warnings: [], targets: [] })
      : validateOneOfMany(limited, tenantId, changed, doc, shared.reads, shared.keys),
  );
  const items: ImportItem[] = ordered.map((doc, i) => {
    const before = current[i] ?? null;
    const report = reports[i] as ValidationReport;
    return {
      collection: doc.collection,
      key: doc.key,
      action: before === null ? 'create' : unchanged[i] ? 'unchanged' : 'update',
      currentVersion: before?.version ?? null,
      diff: diffDocuments(before?.content ?? {}, doc.content),
      validation: { valid: report.valid, errors: report.errors, warnings: report.warnings },
    };
  });

  if (input.mode === 'apply') await applyItems(limited, input, ordered, items, shared);
  const count = (p: (i: ImportItem) => boolean) => items.filter(p).length;
  return {
    mode: input.mode,
    summary: {
      create: count((i) => i.action === 'create'),
      update: count((i) => i.action === 'update'),
      unchanged: count((i) => i.action === 'unchanged'),
      invalid: count((i) => !i.validation.valid),
      written: count((i) => i.result === 'written'),
      skipped: count((i) => i.result === 'skipped'),
    },
    documents: items,
  };
}

async function applyItems(
  deps: WriteDeps,
  input: { principal: Principal; reason: string; ticket?: string | null },
  ordered: ImportDocument[],
  items: ImportItem[],
  shared: SharedReads,
): Promise<void> {
  const tenantId = input.principal.tenantId;
  const skip = (
    item: ImportItem,
    reason: NonNullable<ImportItem['skipped']>['reason'],
    detail: string,
    code?: string,
  ) => {
    item.result = 'skipped';
    item.skipped = { reason, detail, ...(code === undefined ? {} : { code }) };
  };
  for (const item of items) {
    const env =
      item.collection === 'settings'
        ? scopeEnv(parseScopeKey(item.key) ?? { kind: 'global' })
        : item.collection === 'policies'
          ? item.key.slice(5)
          : undefined;
    if (item.action === 'unchanged') skip(item, 'unchanged', 'the content is already the latest version');
    else if (!can(input.principal, WRITE_PERMISSION[item.collection], env)) {
      skip(
        item,
        'forbidden',
        `your roles do not grant ${WRITE_PERMISSION[item.collection]}${env ? ` in '${env}'` : ''}`,
        'forbidden',
      );
    } else if (!item.validation.valid)
      skip(
        item,
        'invalid',
        `${item.validation.errors.length} validation error(s); see validation.errors`,
        'settings-invalid',
      );
  }
  // What will be written, validated together (skipped documents keep their stored content).
  // Why the plan's stored reads still hold: a document this apply writes is pending in every
  // later validation (it is in toWrite), so its stored read is never consulted again; every
  // other document is untouched by this request.
  const toWrite: PendingDocument[] = ordered.filter((_, i) => items[i]?.result === undefined);
  for (const [i, item] of items.entries()) {
    if (item.result !== undefined) continue;
    const doc = ordered[i] as ImportDocument;
    try {
      const outcome = await writeNextVersion(
        deps,
        { tenantId, collection: doc.collection, key: doc.key },
        { ifMatch: item.currentVersion ?? undefined, mode: 'create-or-replace' },
        {
          author: input.principal.userId,
          reason: input.reason,
          ticket: input.ticket ?? null,
          createdAt: deps.clock.now().toISOString(),
        },
        () => doc.content,
        {
          // `shared`: the approval step of a global or profile document reuses the same reads.
          validate: Object.assign(
            async () =>
              assertValid(
                await validateOneOfMany(deps, tenantId, toWrite, doc, shared.reads, shared.keys),
                `Importing ${doc.collection} ${doc.key}`,
              ),
            { shared },
          ),
        },
      );
      if (outcome.kind === 'change-request') {
        skip(
          item,
          'approval-required',
          `${doc.key} is in protected environment '${outcome.request.env}': change request ${outcome.request.id} awaits approval; nothing was written yet`,
          'approval-required',
        );
        continue;
      }
      item.result = 'written';
      item.version = outcome.record.version;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const reason =
        error instanceof PreconditionFailedError || error instanceof PreconditionRequiredError
          ? 'conflict'
          : error instanceof UnprocessableError
            ? 'invalid'
            : 'error';
      skip(item, reason, error.message, error.code);
    }
  }
}
