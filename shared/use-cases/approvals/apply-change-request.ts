import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { markApplied, markConflicted } from '../../domain/approvals/decision-rules.ts';
import { effectiveDrift } from '../../domain/approvals/effective-change.ts';
import { contentHash } from '../../domain/canonical-hash.ts';
import { PreconditionFailedError, PreconditionRequiredError } from '../../domain/errors.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import { StaleRevisionError } from '../../ports/change-request-store.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import { WorkflowTaskError } from '../../workflows/task-errors.ts';
import type { Deps } from '../deps.ts';
import type { LayeredCollection } from '../effective/document-cache.ts';
import type { SharedReads } from '../effective/shared-reads.ts';
import { validatorFor } from '../effective/validate-changes.ts';
import { isSecretChangeRequest } from '../secrets/secret-change-request.ts';
import { type WriteValidator, writeNextVersion } from '../settings/write-next-version.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { evaluateEffectiveImpact } from './effective-impact.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';
import { isTenantWideLayer, protectedImpact } from './protected-impact.ts';

const LAYERED = new Set<string>(['settings', 'profiles', 'schemas', 'policies']);

/** The marker every applied version's reason ends with, tying it to its request. */
export function appliedReasonSuffix(requestId: string): string {
  return ` [change request ${requestId}]`;
}

/** `latest` when it is the version this request's apply step already wrote (a retried step). */
function writtenBy(request: ChangeRequest, latest: SettingsVersion | null): SettingsVersion | undefined {
  return latest?.reason.endsWith(appliedReasonSuffix(request.id)) &&
    latest.contentHash === contentHash(request.proposed)
    ? latest
    : undefined;
}

/** The ports of the `Apply` step. */
type ApplyDeps = Pick<ApprovalDeps, 'documents' | 'changeRequests' | 'clock' | 'logger'> &
  Pick<Deps, 'secrets'>;

/**
 * Recomputes the effective change of an approved request over the current
 * documents (`latest`: the target's current version) and compares it with
 * what the request recorded when it was made. `null` when the approval still
 * covers it (or nothing was recorded); otherwise the first difference.
 */
async function driftSinceRequest(
  deps: ApplyDeps,
  request: ChangeRequest,
  latest: SettingsVersion | null,
  shared: SharedReads | undefined,
): Promise<string | null> {
  const { collection, key } = request.target;
  if (request.effective === null || (collection !== 'settings' && collection !== 'profiles')) return null;
  const ref: DocumentRef = { tenantId: request.tenantId, collection, key };
  const include = request.effective.map((e) => e.target);
  const configurations = isTenantWideLayer(ref)
    ? (await protectedImpact(deps, ref, request.proposed, latest, shared, include)).configurations
    : await evaluateEffectiveImpact(deps, {
        tenantId: request.tenantId,
        change: { collection, key, content: request.proposed },
        base: latest,
        envs: [request.env],
        include,
        shared,
      });
  return effectiveDrift(request.effective, configurations);
}

/**
 * Workflow step `Apply`: first recomputes the effective change with the
 * proposal over the current documents; if any configuration the request
 * recorded would end up different from what the approver saw (a profile,
 * another layer, changed meanwhile), or the proposal would now change a
 * configuration it did not record, the request is `conflicted`, naming the
 * first difference, and nothing is written. Otherwise it writes the
 * proposal through the one write path with `If-Match` = the base version,
 * so it lands only if nobody changed the document since the request was
 * made (else `conflicted` too). Idempotent under retries: a version this
 * request already wrote is recognised (reason marker + content hash) before
 * anything is recomputed.
 *
 * @example await applyChangeRequest(deps, ids) // { status: 'applied', version: 4 }
 */
export async function applyChangeRequest(
  deps: ApplyDeps,
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
  // Secret writes (issue 13) apply their sealed pending envelope, not a document version.
  // Their code loads with the first secret change request this function applies.
  const secretOutcome = isSecretChangeRequest(request)
    ? await (await import('../secrets/apply-secret-change.ts')).applySecretChange(
        deps,
        request,
        appliedReasonSuffix(request.id),
      )
    : undefined;
  // Why validate again: the schemas, policies and other layers may have changed while the
  // request waited; an approved change that is no longer valid must not land (it fails).
  const validate = LAYERED.has(ref.collection)
    ? validatorFor(deps, ref.tenantId, ref.collection as LayeredCollection, ref.key)
    : undefined;
  let outcome: { status: 'applied' | 'conflicted'; version: number | null; drift?: string };
  const current = await deps.documents.latest(ref);
  const ours = writtenBy(request, current);
  const drift = ours ? null : await driftSinceRequest(deps, request, current, validate?.shared);
  if (secretOutcome) outcome = secretOutcome;
  else if (ours) outcome = { status: 'applied', version: ours.version };
  else if (drift !== null) outcome = { status: 'conflicted', version: current?.version ?? null, drift };
  else outcome = await writeApproved(deps, request, ref, validate);
  for (let attempt = 0; attempt < 8; attempt++) {
    const next =
      outcome.status === 'applied'
        ? markApplied(request, outcome.version ?? 0, deps.clock.now())
        : markConflicted(request, outcome.version, deps.clock.now(), outcome.drift);
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
    changeRequestId: ids.requestId,
    status: outcome.status,
    ...(outcome.drift ? { drift: outcome.drift } : {}),
  });
  return { status: outcome.status, version: outcome.version };
}

/** Writes an approved proposal with `If-Match` = its base version; a moved document is `conflicted`. */
async function writeApproved(
  deps: ApplyDeps,
  request: ChangeRequest,
  ref: DocumentRef,
  validate: WriteValidator | undefined,
): Promise<{ status: 'applied' | 'conflicted'; version: number | null }> {
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
      validate ? { validate } : {},
    );
    return { status: 'applied', version: written.record.version };
  } catch (error) {
    if (!(error instanceof PreconditionFailedError || error instanceof PreconditionRequiredError))
      throw error;
    const latest = await deps.documents.latest(ref);
    const ours = writtenBy(request, latest);
    return ours
      ? { status: 'applied', version: ours.version }
      : { status: 'conflicted', version: latest?.version ?? null };
  }
}
