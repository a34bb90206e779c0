import { contentHash } from '../../domain/canonical-hash.ts';
import type { Violation } from '../../domain/errors.ts';
import {
  capViolations,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import {
  type IfMatch,
  nextVersion,
  type SettingsVersion,
  type WriteIntent,
} from '../../domain/settings-version.ts';
import { type DocumentRef, VersionTakenError } from '../../ports/document-store.ts';
import { type GateDeps, gateProtectedWrite, prefetchGate } from '../approvals/gate-protected-write.ts';
import { type WriteOutcome, type Written, written } from '../approvals/write-outcome.ts';
import type { Deps } from '../deps.ts';
import type { SharedReads } from '../effective/shared-reads.ts';

/** The ports of a use case that writes through {@link writeNextVersion}: the write path's, and the clock. */
export type WriteDeps = GateDeps & Pick<Deps, 'clock'>;

/** How a write treats the document's current state. */
export interface WriteGuard {
  /** The version the caller read (`If-Match`), `'*'` for any existing version, or none. */
  ifMatch: IfMatch | undefined;
  /** `create-or-replace` (PUT: no If-Match needed for version 1) or `existing` (PATCH, rollback: 404 without a document). */
  mode: 'create-or-replace' | 'existing';
  /**
   * Set only by the approval workflow's apply step: the id of the approved
   * change request this write carries out, which skips the approval step.
   */
  approvedChangeRequest?: string;
  /**
   * When set, a write whose content equals the latest version's (an empty
   * patch, an identical PUT) writes nothing, opens no change request and
   * returns the latest version itself.
   */
  skipUnchanged?: boolean;
}

/**
 * Validates the content a write would store, before anything is written:
 * throws (an `UnprocessableError` listing every violation) to stop the
 * write, or returns the warnings to record in the version.
 */
export type WriteValidator = ((
  content: JsonObject,
  latest: SettingsVersion | null,
) => Promise<{ warnings: Violation[] }> | { warnings: Violation[] }) & {
  /** The reads the validation made, for the approval step to reuse (`validatorFor` sets it). */
  shared?: SharedReads;
};

/** Optional steps of a write, each a separate stage of {@link writeNextVersion}. */
export interface WriteHooks {
  /** Runs after the content is derived and before the version is built and appended. */
  validate?: WriteValidator;
}

/**
 * The one write path of every versioned document: read the latest version,
 * check `If-Match` against it, derive the new content, and append version
 * N+1 with a conditional put. A lost race is a 412 carrying the winner's
 * version, never an overwrite.
 *
 * @example await writeNextVersion(deps, ref, { ifMatch: 3, mode: 'existing' }, intent, (prev) => ({ ...prev?.content, a: 1 }))
 */
export async function writeNextVersion(
  deps: Pick<Deps, 'documents'>,
  ref: DocumentRef,
  guard: WriteGuard & { approvedChangeRequest: string },
  intent: WriteIntent,
  derive: (latest: SettingsVersion | null) => Promise<JsonObject> | JsonObject,
  hooks?: WriteHooks,
): Promise<Written<SettingsVersion>>;
/** A write that goes through the approval step needs its ports ({@link GateDeps}). */
export async function writeNextVersion(
  deps: GateDeps,
  ref: DocumentRef,
  guard: WriteGuard,
  intent: WriteIntent,
  derive: (latest: SettingsVersion | null) => Promise<JsonObject> | JsonObject,
  hooks?: WriteHooks,
): Promise<WriteOutcome<SettingsVersion>>;
export async function writeNextVersion(
  deps: Pick<Deps, 'documents'> | GateDeps,
  ref: DocumentRef,
  guard: WriteGuard,
  intent: WriteIntent,
  derive: (latest: SettingsVersion | null) => Promise<JsonObject> | JsonObject,
  hooks: WriteHooks = {},
): Promise<WriteOutcome<SettingsVersion>> {
  // The gate's read depends only on the document, so it overlaps the read of the latest version.
  const prefetched = guard.approvedChangeRequest === undefined ? prefetchGate(deps, ref) : undefined;
  // Announced in the same round trip: the projection of latest contents may lag until this write
  // settles, and a reader repairs it if the process dies between the version put and its update.
  const announced = deps.documents.announce(ref);
  announced.catch(() => undefined);
  // A write that ends without appending withdraws its announcement, so that readers of the
  // projection do not check this document for the next minute.
  const withdrawn = async <T>(outcome: T): Promise<T> => {
    await deps.documents.withdraw(ref, await announced).catch(() => undefined);
    return outcome;
  };
  // Why: a write refused before its append (404, 428, 412, 422, 409 ...) must leave nothing behind,
  // not even its announcement, and must not answer while the announcement is still in flight.
  let appending = false;
  try {
    return await prepareAndAppend();
  } catch (error) {
    if (!appending) await withdrawn(undefined);
    throw error;
  }

  async function prepareAndAppend(): Promise<WriteOutcome<SettingsVersion>> {
    const latest = await deps.documents.latest(ref);
    if (latest === null && guard.mode === 'existing') throw new NotFoundError(`No document at ${ref.key}`);
    if (latest !== null && guard.ifMatch === undefined) {
      throw new PreconditionRequiredError(
        `${ref.key} exists at version ${latest.version}; send If-Match: "${latest.version}" to change it`,
        latest.version,
      );
    }
    // RFC 9110 §13.1.1: `If-Match: *` matches any current version and fails when there is none.
    if (
      guard.ifMatch !== undefined &&
      (guard.ifMatch === '*' ? latest === null : guard.ifMatch !== latest?.version)
    ) {
      throw new PreconditionFailedError(
        latest === null
          ? `${ref.key} does not exist yet; omit If-Match to create it`
          : `If-Match is "${guard.ifMatch}" but ${ref.key} is at version ${latest.version}; re-read and retry`,
        latest?.version ?? null,
      );
    }
    const content = await derive(latest);
    // A no-op write returns what is there before validation and the approval gate: nothing to check or approve.
    if (guard.skipUnchanged && latest !== null && contentHash(content) === latest.contentHash) {
      return withdrawn(written(latest));
    }
    // Validation step: nothing is written when it throws; its warnings go into the version record.
    const checked = hooks.validate ? await hooks.validate(content, latest) : { warnings: [] };
    const record = nextVersion(latest, content, intent);
    // Why capped, and long values dropped: the warnings are stored in the version's item (DynamoDB:
    // 400 KB at most); 8,000 unknown keys made 1.2 MB of them, one unknown key holding 150 KB doubled
    // it beside the content and the patch: a failed write and a 500.
    if (checked.warnings.length > 0) record.warnings = capViolations(checked.warnings).map(storedWarning);
    // Approval step (issue 5, shared/use-cases/approvals): a write to a protected environment
    // stores a change request instead and returns it (a 202 at the HTTP edge); nothing is appended.
    // Why the cast: the overloads give every write without an approved change request the gate's ports.
    if (guard.approvedChangeRequest === undefined) {
      const gate = await gateProtectedWrite(deps as GateDeps, {
        ref,
        latest,
        record,
        intent,
        prefetched,
        shared: hooks.validate?.shared,
      });
      if (gate.kind === 'change-request') return withdrawn(gate);
    }
    appending = true;
    try {
      await deps.documents.append(ref, record, { announced: await announced });
    } catch (error) {
      if (!(error instanceof VersionTakenError)) throw error;
      const current = await deps.documents.latest(ref);
      throw new PreconditionFailedError(
        `${ref.key} changed while you wrote (now at version ${current?.version ?? error.version}); re-read and retry`,
        current?.version ?? error.version,
      );
    }
    return written(record);
  }
}

/** Longest JSON text of a warning's `value` kept with a version: the version's content holds the rest. */
export const MAX_STORED_WARNING_VALUE_CHARACTERS = 256;

/** A warning as a version keeps it: without its `value` when that is long (its pointer names it in the content). */
function storedWarning(warning: Violation): Violation {
  if (warning.value === undefined) return warning;
  const text = JSON.stringify(warning.value);
  if (text === undefined || text.length <= MAX_STORED_WARNING_VALUE_CHARACTERS) return warning;
  const { value: _long, ...kept } = warning;
  return kept;
}
