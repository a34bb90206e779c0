import type { ChangeRequest, ChangeRequestStatus } from '../domain/approvals/change-request.ts';

/** Filters and paging of {@link ChangeRequestStore.list}. */
export interface ChangeRequestQuery {
  status?: ChangeRequestStatus;
  env?: string;
  /**
   * Only requests in one of these environments: the caller's readable ones,
   * so that every item read, and so every cursor, is one the caller may see.
   */
  envs?: readonly string[];
  limit: number;
  /** Continue after this request id (from the previous page), newest first. */
  after?: string;
}

/**
 * A tenant's change requests, one item each, in the same table as the
 * documents (keys start with the tenant id). No transactions: every state
 * transition is a conditional write on the request's `revision`, so two
 * approvers, or an approval and the timeout, can never both win.
 */
export interface ChangeRequestStore {
  /** Stores a new request; it must not exist yet. */
  create(request: ChangeRequest): Promise<void>;
  /** One request of a tenant, or `null` (also for another tenant's id). */
  get(tenantId: string, id: string): Promise<ChangeRequest | null>;
  /** Requests newest first, filtered. `next` continues the listing. */
  list(tenantId: string, query: ChangeRequestQuery): Promise<{ items: ChangeRequest[]; next: string | null }>;
  /**
   * Writes the next state of a request, only if the stored revision is still
   * `next.revision - 1`; otherwise throws {@link StaleRevisionError}.
   */
  replace(next: ChangeRequest): Promise<void>;
  /**
   * Records an approval link's id as used (a conditional put). `false` when
   * it was already used: links work once.
   */
  markLinkUsed(tenantId: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/** Raised by {@link ChangeRequestStore.replace} when another writer changed the request first. */
export class StaleRevisionError extends Error {
  constructor(readonly requestId: string) {
    super(`change request ${requestId} changed concurrently`);
    this.name = 'StaleRevisionError';
  }
}
