import { contentHash } from './canonical-hash.ts';
import { PayloadTooLargeError, type Violation } from './errors.ts';
import { diffDocuments, keysTouchedPercent, type PatchOperation } from './json-patch.ts';
import type { JsonObject } from './json-value.ts';

/** Largest settings content accepted, measured on its canonical JSON. */
export const MAX_CONTENT_BYTES = 256 * 1024;

/** One immutable version of a settings document: the change, its changelog entry and its link in the hash chain. */
export interface SettingsVersion {
  /** 1, 2, 3 ... contiguous per document. */
  version: number;
  content: JsonObject;
  /** The `sub` of whoever wrote it. */
  author: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  reason: string;
  ticket: string | null;
  /** RFC 6902 patch from the previous version (from `{}` for version 1). */
  patch: PatchOperation[];
  /** Percent of leaf keys touched by the patch. */
  keysTouchedPercent: number;
  /** SHA-256 hex of the RFC 8785 canonical JSON of `content`. */
  contentHash: string;
  /** `contentHash` of the previous version; `null` for version 1. */
  prevHash: string | null;
  /** Validation warnings (e.g. unknown keys outside strict mode) found when it was written; absent when none. */
  warnings?: Violation[];
  /** Set when this version is a rollback: the earlier version whose content it restores. */
  rollbackOf?: number;
}

/**
 * A write's precondition (`If-Match`): the version the writer read, or `'*'`
 * (RFC 9110: matches any current version, fails when there is none).
 */
export type IfMatch = number | '*';

/** A version without its content and patch, as history lists show it. */
export type SettingsVersionSummary = Omit<SettingsVersion, 'content' | 'patch'>;

/** Who writes, why and when. */
export interface WriteIntent {
  author: string;
  /** The author's address (the token's `email` claim), recorded on a change request as `requesterEmail`; never on a version. */
  authorEmail?: string;
  reason: string;
  ticket: string | null;
  createdAt: string;
  /** For a rollback: the version whose content is restored (recorded as {@link SettingsVersion.rollbackOf}). */
  rollbackOf?: number;
}

/**
 * Builds the version that follows `previous` (or the first version) with
 * `content`. Pure: the store decides whether it may be written.
 *
 * @example nextVersion(null, { a: 1 }, { author: 'ann', reason: 'init', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' }).version // 1
 */
export function nextVersion(
  previous: SettingsVersion | null,
  content: JsonObject,
  intent: WriteIntent,
): SettingsVersion {
  assertContentSize(content);
  const before = previous?.content ?? null;
  return {
    version: (previous?.version ?? 0) + 1,
    content,
    author: intent.author,
    createdAt: intent.createdAt,
    reason: intent.reason,
    ticket: intent.ticket,
    patch: diffDocuments(before ?? {}, content),
    keysTouchedPercent: keysTouchedPercent(before, content),
    contentHash: contentHash(content),
    prevHash: previous?.contentHash ?? null,
    ...(intent.rollbackOf === undefined ? {} : { rollbackOf: intent.rollbackOf }),
  };
}

/** Throws {@link PayloadTooLargeError} when content exceeds {@link MAX_CONTENT_BYTES}. */
export function assertContentSize(content: JsonObject): void {
  const bytes = Buffer.byteLength(JSON.stringify(content), 'utf8');
  if (bytes > MAX_CONTENT_BYTES) {
    throw new PayloadTooLargeError(
      `Settings content is ${bytes} bytes; the limit is ${MAX_CONTENT_BYTES} bytes (256 KiB)`,
      MAX_CONTENT_BYTES,
    );
  }
}

/** Drops content and patch for history listings. */
export function summarize(version: SettingsVersion): SettingsVersionSummary {
  const { content: _content, patch: _patch, ...rest } = version;
  return rest;
}

export { toRecord } from './version-record.ts';
