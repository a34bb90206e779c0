import { markApplied, markConflicted } from '../../domain/approvals/decision-rules.ts';
import { contentHash } from '../../domain/canonical-hash.ts';
import { PreconditionFailedError, PreconditionRequiredError } from '../../domain/errors.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import { WorkflowTaskError } from '../../workflows/task-errors.ts';
import type { LayeredCollection } from '../effective/document-cache.ts';
import { validatorFor } from '../effective/validate-changes.ts';
import { writeNextVersion } from '../settings/write-next-version.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

const LAYERED = new Set<string>(['settings', 'profiles', 'schemas', 'policies']);

/** The marker every applied version's reason ends with, tying it to its request. */
export function appliedReasonSuffix(requestId: string): string {
  return ` [change request ${requestId}]`;
}

/**
 * Workflow step `Apply`: writes the approved proposal through the one write
 * path with `If-Match` = the base version, so it lands only if nobody changed
 * the document since the request was made; otherwise the request is
 * `conflicted` and nothing is written. Idempotent under retries: a version
 * this request already wrote is recognised (reason marker + content hash).
 *
 * @example await applyChangeRequest(deps, ids) // { status: 'applied', version: 4 }
 */
export async function applyChangeRequest(
  deps: Pick<ApprovalDeps, 'documents' | 'changeRequests' | 'clock' | 'logger'>,
  ids: WorkflowIds,
): Promise<{ status: 'applied' | 'conflicted'; version: number | null }> {
  let request = await loadForStep(deps, ids);
  if (request.status === 'applied') return { status: 'applied', version: request.appliedVersion };
  if (request.status === 'conflicted') return { status: 'conflicted', version: null };
  if (request.status !== 'approved') {
    throw new WorkflowTaskError(
      'Plumbline.NotApproved',
      `change request ${request.id} is ${request.status}, not approved`,
    );
  }
  const ref: DocumentRef = { tenantId: request.tenantId, ...request.target };
  let outcome: { status: 'applied' | 'conflicted'; version: number | null };
  try {
    const written = await writeNextVersion(
      deps,
      ref,
      {
        ifMatch: request.baseVersion ?? undefined,
        mode: 'create-or-replace',
        approvedChangeRequest: request.id,
      },
      {
        author: request.requester,
        reason: `${request.reason}${appliedReasonSuffix(request.id)}`,
        ticket: request.ticket,
        createdAt: deps.clock.now().toISOString(),
      },
      () => request.proposed,
      // Why validate again: the schemas, policies and other layers may have changed while the
      // request waited; an approved change that is no longer valid must not land (it fails).
      LAYERED.has(ref.collection)
        ? { validate: validatorFor(deps, ref.tenantId, ref.collection as LayeredCollection, ref.key) }
        : {},
    );
    outcome = { status: 'applied', version: written.version };
  } catch (error) {
    if (!(error instanceof PreconditionFailedError || error instanceof PreconditionRequiredError))
      throw error;
    const latest = await deps.documents.latest(ref);
    const ours =
      latest?.reason.endsWith(appliedReasonSuffix(request.id)) &&
      latest.contentHash === contentHash(request.proposed);
    outcome =
      ours && latest
        ? { status: 'applied', version: latest.version }
        : { status: 'conflicted', version: latest?.version ?? null };
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const next =
      outcome.status === 'applied'
        ? markApplied(request, outcome.version ?? 0, deps.clock.now())
        : markConflicted(request, outcome.version, deps.clock.now());
    try {
      await deps.changeRequests.replace(next);
      break;
    } catch (error) {
      if (!(error instanceof StaleRevisionError)) throw error;
      request = await loadForStep(deps, ids);
      if (request.status !== 'approved') break;
    }
  }
  deps.logger.info('change request applied', {
    tenant: ids.tenantId,
    requestId: ids.requestId,
    status: outcome.status,
  });
  return outcome;
}
