import type { DocumentStoreState } from './document-store-state.ts';
import {
  type Change,
  changeSortKey,
  changesKey,
  HEAD_SORT_KEY,
  type Head,
  toChange,
} from './projection-changes.ts';
import { queryPages } from './query-pages.ts';

/** Changes read per page when looking back from the head (a cold read's recent changes). */
const RECENT_PAGE = 1000;

/** The change log's items after `after`, oldest first, and its head (all pages, one after another): a warm refresh's read. */
export async function changesAfter(
  state: DocumentStoreState,
  tenantId: string,
  after: number,
): Promise<{ changes: Change[]; head: Head }> {
  return readChangeLog(state, tenantId, { after });
}

/**
 * The head and the newest changes, read newest first until a change that
 * landed before `since` (every number below it was handed out before
 * then): a cold read's look-back. Returns them oldest first, with `below`:
 * the number under which nothing more was read.
 */
export async function recentChanges(
  state: DocumentStoreState,
  tenantId: string,
  since: number,
): Promise<{ changes: Change[]; head: Head; below: number }> {
  const { changes, head, last } = await readChangeLog(
    state,
    tenantId,
    { newestFirst: true },
    (change) => change.at < since,
  );
  return { changes: changes.reverse(), head, below: last?.seq ?? 0 };
}

/**
 * Reads the tenant's change log page by page: its head, and its changes
 * after `after` (all of them when absent) in the order asked, until the
 * pages end or `stop` marks a change as the last one wanted (`last`).
 */
async function readChangeLog(
  state: DocumentStoreState,
  tenantId: string,
  range: { after?: number; newestFirst?: boolean },
  stop?: (change: Change) => boolean,
): Promise<{ changes: Change[]; head: Head; last?: Change }> {
  const changes: Change[] = [];
  let head: Head = { seq: 0, at: 0 };
  let last: Change | undefined;
  await queryPages(
    state,
    tenantId,
    {
      KeyConditionExpression: range.after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
      ExpressionAttributeValues: {
        ':pk': changesKey(tenantId),
        ...(range.after === undefined ? {} : { ':after': changeSortKey(range.after) }),
      },
      ConsistentRead: true,
      ...(range.newestFirst ? { ScanIndexForward: false, Limit: RECENT_PAGE } : {}),
    },
    (items) => {
      for (const item of items) {
        if (item.sk === HEAD_SORT_KEY) {
          head = { seq: Number(item.seq), at: Number(item.at) };
          continue;
        }
        const change = toChange(item);
        changes.push(change);
        if (stop?.(change)) {
          last = change;
          return true;
        }
      }
      return false;
    },
  );
  return last ? { changes, head, last } : { changes, head };
}
