import { isClosed } from '../../domain/approvals/change-request.ts';
import { markFailed } from '../../domain/approvals/decision-rules.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';
import { notifyRequester } from './notify-requester.ts';

/**
 * Workflow step `MarkFailed` (the Catch path): a step failed for good. An
 * open request becomes `failed` with the error recorded, and the requester
 * is told. A request that already ended keeps its status.
 *
 * @example await markChangeRequestFailed(deps, { ...ids, error: { Error: 'Plumbline.TaskFailed', Cause: '...' } })
 */
export async function markChangeRequestFailed(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'clock' | 'logger' | 'notifier'>,
  input: WorkflowIds & { error?: { Error?: unknown; Cause?: unknown } | undefined },
): Promise<{ status: string }> {
  const error = typeof input.error?.Error === 'string' ? input.error.Error : 'Plumbline.Unknown';
  const rawCause = typeof input.error?.Cause === 'string' ? input.error.Cause : '';
  // Lambda wraps causes as JSON ({"errorMessage": ...}); keep the message only.
  let cause = rawCause;
  try {
    const parsed = JSON.parse(rawCause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // a plain-text cause
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const request = await loadForStep(deps, input);
    if (isClosed(request.status)) return { status: request.status };
    try {
      await deps.changeRequests.replace(markFailed(request, error, cause.slice(0, 500), deps.clock.now()));
      break;
    } catch (failure) {
      if (!(failure instanceof StaleRevisionError)) throw failure;
    }
  }
  deps.logger.error('change request failed', {
    tenant: input.tenantId,
    changeRequestId: input.requestId,
    error,
  });
  await notifyRequester(deps, input);
  return { status: 'failed' };
}
