import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { type DecisionActor, decide } from '../../domain/approvals/decision-rules.ts';
import { ApprovalRuleError, NotFoundError, ServiceUnavailableError } from '../../domain/errors.ts';
import { can, type Principal } from '../../domain/rbac.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { signalWorkflow } from './signal-workflow.ts';

/** The ports a decision uses: the request store, and the workflow it signals when the request closes. */
export type DecisionDeps = Pick<
  ApprovalDeps,
  'changeRequests' | 'clock' | 'logger' | 'tokenCipher' | 'workflows'
>;

/** Input of {@link recordDecision}. */
export interface RecordDecisionInput {
  tenantId: string;
  requestId: string;
  actor: DecisionActor;
  decision: 'approve' | 'reject';
  comment: string | null;
  /** Extra check on the freshly read request, before deciding (the API's role check). */
  check?: (request: ChangeRequest) => void;
}

/**
 * Records one decision with a conditional write on the request's revision,
 * re-reading and re-checking the rules when another decision landed first
 * (so two approvers, or an approval and the timeout, never both win). When
 * the request leaves `pending`, the waiting workflow is told.
 *
 * @example await recordDecision(deps, { tenantId, requestId, actor: { userId: 'bob', via: 'link' }, decision: 'approve', comment: null });
 */
export async function recordDecision(deps: DecisionDeps, input: RecordDecisionInput): Promise<ChangeRequest> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const request = await deps.changeRequests.get(input.tenantId, input.requestId);
    if (request === null) throw new NotFoundError(`No change request ${input.requestId}`);
    input.check?.(request);
    const next = decide(request, input.actor, input.decision, input.comment, deps.clock.now());
    try {
      await deps.changeRequests.replace(next);
    } catch (error) {
      if (error instanceof StaleRevisionError) continue;
      throw error;
    }
    deps.logger.info('change request decided', {
      tenant: input.tenantId,
      changeRequestId: input.requestId,
      actor: input.actor.userId,
      decision: input.decision,
      status: next.status,
    });
    if (next.status !== 'pending') await signalWorkflow(deps, next);
    return next;
  }
  throw new ServiceUnavailableError('The change request is being changed by others right now; retry', 1);
}

/**
 * An approver decides through the API (CLI): they must be a listed approver
 * of the request's environment and hold `requests:decide` (the `approver`
 * role) on it; the requester can never approve their own request.
 *
 * @example await decideChangeRequest(deps, { principal, id, decision: 'approve', comment: 'lgtm' });
 */
export async function decideChangeRequest(
  deps: DecisionDeps,
  input: { principal: Principal; id: string; decision: 'approve' | 'reject'; comment: string | null },
): Promise<ChangeRequest> {
  return recordDecision(deps, {
    tenantId: input.principal.tenantId,
    requestId: input.id,
    actor: { userId: input.principal.userId, via: 'api' },
    decision: input.decision,
    comment: input.comment,
    check: (request) => {
      if (
        !can(input.principal, 'requests:read', request.env) &&
        !can(input.principal, 'requests:decide', request.env)
      ) {
        throw new NotFoundError(`No change request ${input.id}`);
      }
      if (!can(input.principal, 'requests:decide', request.env)) {
        throw new ApprovalRuleError(
          `Deciding through the API needs the approver role on environment '${request.env}'`,
          'approver-role-required',
        );
      }
    },
  });
}
