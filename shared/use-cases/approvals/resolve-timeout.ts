import { expire } from '../../domain/approvals/decision-rules.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import { WorkflowTaskError } from '../../workflows/task-errors.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

/**
 * Workflow step `ResolveTimeout`: the wait timed out. A still `pending`
 * request becomes `expired` (conditional on its revision); if a decision
 * won the race, its status is returned and the workflow follows it (an
 * approval is then applied), so approval and timeout never both win.
 *
 * @example await resolveTimeout(deps, ids) // { status: 'expired' }
 */
export async function resolveTimeout(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'clock'>,
  ids: WorkflowIds,
): Promise<{ status: string }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const request = await loadForStep(deps, ids);
    if (request.status !== 'pending') return { status: request.status };
    try {
      await deps.changeRequests.replace(expire(request, deps.clock.now()));
      return { status: 'expired' };
    } catch (error) {
      if (!(error instanceof StaleRevisionError)) throw error;
    }
  }
  throw new WorkflowTaskError('Plumbline.Transient', 'the request kept changing while it was expired');
}
