import type { CachedDocument, TenantSnapshot } from './projection-cache.ts';

// The tenant's change log: what lets a process with a copy of the projection bring it up to date
// by reading only what changed. Partition `<tenant>#!changes` (IAM LeadingKeys still fences it):
// one head item whose counter each write bumps in its read round (`~head`, sorted after every
// change, so that one Query of the changes after a sequence number also reads the head), and one
// change item per write, `c#<12-digit seq>`, put in the write's second round with the version.

/** A change item lives this long (DynamoDB TTL); a snapshot not refreshed for half of it is read again whole. */
export const CHANGE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Partition key of a tenant's change log. */
export function changesKey(tenantId: string): string {
  return `${tenantId}#!changes`;
}

/** Sort key of the change log's head: after every change item. */
export const HEAD_SORT_KEY = '~head';

/** Sort key of the change with sequence number `seq`. */
export function changeSortKey(seq: number): string {
  return `c#${String(seq).padStart(12, '0')}`;
}

/**
 * What one write did: `put` (a version, with the projected fields),
 * `void` (the write was withdrawn: nothing changed), `recheck` (a write
 * whose version put failed after its change item may have landed: readers
 * re-read the document's latest version).
 */
export type ChangeKind = 'put' | 'void' | 'recheck';

/** A change item as read back. */
export interface Change {
  seq: number;
  kind: ChangeKind;
  collection: string;
  key: string;
  /** When the writer put it (ms, the writer's clock). */
  at: number;
  /** For `put`: the projection item's fields (version, writeId, content ...). */
  item: Record<string, unknown>;
}

/** The head as read back: the last sequence number handed out and when. */
export interface Head {
  seq: number;
  at: number;
}

/** Reads a change item. */
export function toChange(item: Record<string, unknown>): Change {
  return {
    seq: Number(String(item.sk).slice(2)),
    kind: item.kind === 'void' || item.kind === 'recheck' ? item.kind : 'put',
    collection: String(item.collection),
    key: String(item.docKey),
    at: Number(item.at),
    item,
  };
}

/**
 * The gaps in `(after, head.seq]`: numbers with no change item in `changes`
 * (sorted by seq), writes still in flight or dead. A gap is old when it was
 * handed out more than `settleMs` before `now`: the next change above it
 * landed before then (it was handed out after the gap), or, with none above
 * it, the head's last bump was before then. An old gap's write has settled
 * or died; a full read of the projection (its announcement checks) sees
 * what it left. Answers the lowest young gap and whether any gap is old.
 *
 * Why by runs: the numbers between two changes share the change above them,
 * so each run is judged once. The cost follows the changes read, not the
 * numbers a tenant ever took (after the log's TTL, a cold read may start
 * below millions of expired numbers).
 */
export function gapsOf(
  changes: readonly Change[],
  after: number,
  head: Head,
  now: number,
  settleMs: number,
): { firstYoung: number | undefined; anyOld: boolean } {
  let firstYoung: number | undefined;
  let anyOld = false;
  let from = after + 1;
  const judge = (to: number, allocatedBefore: number) => {
    if (to < from) return;
    if (now - allocatedBefore > settleMs) anyOld = true;
    else firstYoung ??= from;
  };
  for (const change of changes) {
    if (change.seq < from) continue;
    judge(change.seq - 1, change.at);
    from = change.seq + 1;
  }
  judge(head.seq, head.at);
  return { firstYoung, anyOld };
}

/**
 * Applies changes (sorted by seq) to a snapshot's documents, order-safe: a
 * document only moves to a newer version. Returns the documents that need
 * their latest version read: a `recheck`, or a version number the snapshot
 * already holds from another write (one of two racing writers lost its put).
 */
export function applyChanges(
  snapshot: TenantSnapshot,
  changes: readonly Change[],
  toDocument: (item: Record<string, unknown>) => CachedDocument,
): Map<string, { collection: string; key: string }> {
  const recheck = new Map<string, { collection: string; key: string }>();
  for (const change of changes) {
    if (!snapshot.collections.has(change.collection) || change.kind === 'void') continue;
    const sk = `${change.collection}#${change.key}`;
    if (change.kind === 'recheck') {
      recheck.set(sk, change);
      continue;
    }
    const held = snapshot.documents.get(sk);
    const version = Number(change.item.version);
    if (!held || held.version < version) snapshot.documents.set(sk, toDocument(change.item));
    else if (held.version === version && held.writeId !== String(change.item.writeId))
      recheck.set(sk, change);
  }
  return recheck;
}

/** A version a `put` change names: which document, which number. */
export interface VersionKey {
  collection: string;
  key: string;
  version: number;
}

/** The lookup key of a {@link VersionKey}. */
export function versionKeyOf(v: VersionKey): string {
  return `${v.collection}#${v.key}#${v.version}`;
}

/**
 * Keeps from `changes` (sorted by seq) what a reader may apply. A `put`
 * change is written alongside its version put, so it may name a version
 * that never landed (the put failed and its process died before its
 * `recheck`): each one `needs` names (another process's write, not yet
 * confirmed here) is checked against the write id of its version item
 * (`lookup`, one batch). Its own write id: applied (`confirmed` is told).
 * Another write's: a rival won that number, so it becomes a `recheck`. No
 * version item: while the change is young its write may still be in
 * flight, so it is held (not applied; the caller's watermark stops below
 * it); once old, its write died and it is dropped.
 */
export async function confirmChanges(
  changes: readonly Change[],
  options: {
    needs: (change: Change) => boolean;
    lookup: (versions: readonly VersionKey[]) => Promise<Map<string, string>>;
    confirmed: (change: Change) => void;
    now: number;
    settleMs: number;
  },
): Promise<{ apply: Change[]; held: number[] }> {
  const asked = changes.filter(options.needs);
  if (asked.length === 0) return { apply: [...changes], held: [] };
  const versionOf = (change: Change): VersionKey => ({
    collection: change.collection,
    key: change.key,
    version: Number(change.item.version),
  });
  const found = await options.lookup(asked.map(versionOf));
  const unsure = new Set(asked);
  const apply: Change[] = [];
  const held: number[] = [];
  for (const change of changes) {
    if (!unsure.has(change)) {
      apply.push(change);
      continue;
    }
    const writeId = found.get(versionKeyOf(versionOf(change)));
    if (writeId === String(change.item.writeId)) {
      options.confirmed(change);
      apply.push(change);
    } else if (writeId !== undefined) apply.push({ ...change, kind: 'recheck' });
    else if (options.now - change.at <= options.settleMs) held.push(change.seq);
  }
  return { apply, held };
}
