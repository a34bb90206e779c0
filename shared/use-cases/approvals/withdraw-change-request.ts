import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { withdraw } from '../../domain/approvals/decision-rules.ts';
import { NotFoundError, ServiceUnavailableError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import type { DecisionDeps } from './decide-change-request.ts';
import { signalWorkflow } from './signal-workflow.ts';

/**
 * The requester withdraws their pending request; the workflow then closes it.
 *
 * @example await withdrawChangeRequest(deps, { principal, id, comment: 'superseded' });
 */
export async function withdrawChangeRequest(
  deps: DecisionDeps,
  input: { principal: Principal; id: string; comment: string | null },
): Promise<ChangeRequest> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const request = await deps.changeRequests.get(input.principal.tenantId, input.id);
    if (request === null) throw new NotFoundError(`No change request ${input.id}`);
    const next = withdraw(request, input.principal.userId, input.comment, deps.clock.now());
    try {
      await deps.changeRequests.replace(next);
    } catch (error) {
      if (error instanceof StaleRevisionError) continue;
      throw error;
    }
    await signalWorkflow(deps, next);
    return next;
  }
  throw new ServiceUnavailableError('The change request is being changed by others right now; retry', 1);
}
