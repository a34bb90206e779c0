import { ApprovalRuleError, ChangeRequestClosedError } from '../errors.ts';
import { approvalsOf, type ChangeRequest, type HistoryEntry, isClosed } from './change-request.ts';

/** Who decides, and through which door. */
export interface DecisionActor {
  userId: string;
  via: 'api' | 'link';
}

function next(
  request: ChangeRequest,
  changes: Partial<ChangeRequest>,
  entries: HistoryEntry[],
): ChangeRequest {
  return {
    ...request,
    ...changes,
    revision: request.revision + 1,
    history: [...request.history, ...entries],
  };
}

/**
 * Checks that `actor` may decide `request` at all, without changing it:
 * the request is still pending, the actor is not its requester, the actor
 * is one of the approvers the environment listed, and has not decided yet.
 * Throws {@link ChangeRequestClosedError} (409) or {@link ApprovalRuleError} (403).
 */
export function assertMayDecide(
  request: ChangeRequest,
  actor: DecisionActor,
  decision: 'approve' | 'reject',
): void {
  if (request.status !== 'pending') {
    throw new ChangeRequestClosedError(
      `Change request ${request.id} is ${request.status}; it takes no more decisions`,
      request.status,
    );
  }
  if (actor.userId === request.requester) {
    throw new ApprovalRuleError(
      decision === 'approve'
        ? 'You cannot approve your own change request; another approver must'
        : 'You cannot reject your own change request; withdraw it instead',
      'self-approval',
    );
  }
  if (!request.approvers.some((a) => a.user === actor.userId)) {
    throw new ApprovalRuleError(
      `${actor.userId} is not one of the approvers of environment '${request.env}'; only listed approvers count`,
      'not-an-approver',
    );
  }
  if (request.decisions.some((d) => d.actor === actor.userId)) {
    throw new ChangeRequestClosedError(
      `${actor.userId} has already decided change request ${request.id}`,
      request.status,
    );
  }
}

/**
 * Records one decision. An approval adds to the distinct approvals and, at
 * the required number, moves the request to `approved`; a rejection by any
 * eligible approver closes it as `rejected`. Pure: returns the next state
 * (revision + 1) for the store's conditional write.
 *
 * @example decide(request, { userId: 'bob', via: 'api' }, 'approve', 'lgtm', new Date())
 */
export function decide(
  request: ChangeRequest,
  actor: DecisionActor,
  decision: 'approve' | 'reject',
  comment: string | null,
  now: Date,
): ChangeRequest {
  assertMayDecide(request, actor, decision);
  const at = now.toISOString();
  const decisions = [...request.decisions, { actor: actor.userId, decision, at, comment, via: actor.via }];
  const entry: HistoryEntry = {
    at,
    actor: actor.userId,
    action: decision === 'approve' ? 'approved' : 'rejected',
    ...(comment === null ? {} : { comment }),
    detail: `via ${actor.via}`,
  };
  if (decision === 'reject') return next(request, { decisions, status: 'rejected' }, [entry]);
  const received = approvalsOf({ ...request, decisions }).length;
  if (received >= request.requiredApprovals) {
    return next(request, { decisions, status: 'approved' }, [
      entry,
      {
        at,
        actor: 'workflow',
        action: 'quorum-reached',
        detail: `${received} of ${request.requiredApprovals} approvals`,
      },
    ]);
  }
  return next(request, { decisions }, [entry]);
}

/**
 * The requester takes back a pending request.
 *
 * @example withdraw(request, 'alice', 'not needed', new Date()).status // 'withdrawn'
 */
export function withdraw(
  request: ChangeRequest,
  userId: string,
  comment: string | null,
  now: Date,
): ChangeRequest {
  if (userId !== request.requester) {
    throw new ApprovalRuleError(
      `Only the requester (${request.requester}) can withdraw change request ${request.id}`,
      'requester-only',
    );
  }
  if (request.status !== 'pending') {
    throw new ChangeRequestClosedError(
      `Change request ${request.id} is ${request.status}; it can no longer be withdrawn`,
      request.status,
    );
  }
  return next(request, { status: 'withdrawn' }, [
    { at: now.toISOString(), actor: userId, action: 'withdrawn', ...(comment === null ? {} : { comment }) },
  ]);
}

/** The approval window closed with no decision: `pending` → `expired`. */
export function expire(request: ChangeRequest, now: Date): ChangeRequest {
  if (request.status !== 'pending')
    throw new ChangeRequestClosedError(`Change request ${request.id} is ${request.status}`, request.status);
  return next(request, { status: 'expired' }, [
    {
      at: now.toISOString(),
      actor: 'workflow',
      action: 'expired',
      detail: `no decision within ${request.approvalTimeoutSeconds} s`,
    },
  ]);
}

/** The approved change was written as `version`: `approved` → `applied`. */
export function markApplied(request: ChangeRequest, version: number, now: Date): ChangeRequest {
  if (request.status !== 'approved')
    throw new ChangeRequestClosedError(`Change request ${request.id} is ${request.status}`, request.status);
  return next(request, { status: 'applied', appliedVersion: version }, [
    { at: now.toISOString(), actor: 'workflow', action: 'applied', detail: `written as version ${version}` },
  ]);
}

/**
 * The approval no longer covers what applying would do: `approved` →
 * `conflicted`, nothing written. Either the document moved past the base
 * version, or (`effectiveDrift`) an effective configuration would end up
 * other than the approver saw; the history says which.
 */
export function markConflicted(
  request: ChangeRequest,
  currentVersion: number | null,
  now: Date,
  effectiveDrift?: string,
): ChangeRequest {
  if (request.status !== 'approved')
    throw new ChangeRequestClosedError(`Change request ${request.id} is ${request.status}`, request.status);
  return next(request, { status: 'conflicted' }, [
    {
      at: now.toISOString(),
      actor: 'workflow',
      action: 'conflicted',
      detail:
        effectiveDrift === undefined
          ? `${request.target.key} is at version ${currentVersion ?? 'none'}, not the base version ${request.baseVersion ?? 'none'}; nothing was written`
          : `the effective settings changed since approval (${effectiveDrift}); nothing was written`,
    },
  ]);
}

/** A workflow step failed for good: any open status → `failed`. */
export function markFailed(request: ChangeRequest, error: string, cause: string, now: Date): ChangeRequest {
  if (isClosed(request.status))
    throw new ChangeRequestClosedError(`Change request ${request.id} is ${request.status}`, request.status);
  return next(request, { status: 'failed', failure: { error, cause } }, [
    {
      at: now.toISOString(),
      actor: 'workflow',
      action: 'failed',
      detail: `${error}: ${cause}`.slice(0, 500),
    },
  ]);
}
