import { randomBytes } from 'node:crypto';
import { type LinkClaims, siblingClaims } from '../../domain/approvals/approval-link.ts';
import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { assertMayDecide } from '../../domain/approvals/decision-rules.ts';
import { ApprovalRuleError, ChangeRequestClosedError } from '../../domain/errors.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { type DecisionDeps, recordDecision } from './decide-change-request.ts';

/** Path of the approval page for a link token. */
export function approvalPagePath(token: string): string {
  return `/v1/approvals/${token}`;
}

/**
 * Signs an approver's two links for a request: approve and reject, bound to
 * the request, the approver and the decision, expiring with the request,
 * sharing one id so that using either spends both.
 *
 * @example const links = await issueApproverLinks(deps, request, 'bob');
 */
export async function issueApproverLinks(
  deps: Pick<ApprovalDeps, 'linkSigner' | 'publicUrl'>,
  request: ChangeRequest,
  approver: string,
): Promise<{ approve: string; reject: string }> {
  const base: Omit<LinkClaims, 'decision'> = {
    tenantId: request.tenantId,
    requestId: request.id,
    approver,
    exp: Math.floor(new Date(request.expiresAt).getTime() / 1000),
    jti: randomBytes(16).toString('base64url'),
  };
  const origin = deps.publicUrl().replace(/\/+$/, '');
  const [approve, reject] = await Promise.all([
    deps.linkSigner.sign({ ...base, decision: 'approve' }),
    deps.linkSigner.sign({ ...base, decision: 'reject' }),
  ]);
  return { approve: `${origin}${approvalPagePath(approve)}`, reject: `${origin}${approvalPagePath(reject)}` };
}

/** Why a link could not be used; each gets its own clear page. */
export type LinkProblem =
  | 'malformed'
  | 'forged'
  | 'expired'
  | 'not-found'
  | 'wrong-approver'
  | 'used'
  | 'closed'
  | 'self-approval';

/** A link that checked out: what the approval page shows. */
export interface InspectedLink {
  ok: true;
  claims: LinkClaims;
  request: ChangeRequest;
  /** The page's two forms post to these tokens (this link and its sibling). */
  tokens: { approve: string; reject: string };
  /** Set when the approver can no longer decide (already decided, request closed). */
  closedReason: string | null;
}

/**
 * Checks a link without changing anything (the GET of the approval page):
 * signature, expiry, the request (in the link's tenant), and that the link's
 * approver is still one of the request's approvers.
 *
 * @example const seen = await inspectApprovalLink(deps, token);
 */
export async function inspectApprovalLink(
  deps: Pick<ApprovalDeps, 'linkSigner' | 'changeRequests' | 'clock'>,
  token: string,
): Promise<InspectedLink | { ok: false; problem: LinkProblem; request?: ChangeRequest }> {
  const verified = await deps.linkSigner.verify(token, deps.clock.now());
  if (!verified.ok) return { ok: false, problem: verified.reason };
  const { claims } = verified;
  const request = await deps.changeRequests.get(claims.tenantId, claims.requestId);
  if (request === null) return { ok: false, problem: 'not-found' };
  if (!request.approvers.some((a) => a.user === claims.approver) || claims.approver === request.requester) {
    return {
      ok: false,
      problem: claims.approver === request.requester ? 'self-approval' : 'wrong-approver',
      request,
    };
  }
  const sibling = await deps.linkSigner.sign(siblingClaims(claims));
  const tokens =
    claims.decision === 'approve' ? { approve: token, reject: sibling } : { approve: sibling, reject: token };
  let closedReason: string | null = null;
  try {
    assertMayDecide(request, { userId: claims.approver, via: 'link' }, claims.decision);
  } catch (error) {
    if (!(error instanceof ChangeRequestClosedError || error instanceof ApprovalRuleError)) throw error;
    closedReason = error.message;
  }
  return { ok: true, claims, request, tokens, closedReason };
}

/**
 * Decides through a link (the POST of the approval page): the link must
 * check out, is spent on first use (a conditional put of its id), and the
 * decision then follows the same rules as through the API.
 *
 * @example const outcome = await decideByLink(deps, token, 'looks right');
 */
export async function decideByLink(
  deps: DecisionDeps & Pick<ApprovalDeps, 'linkSigner'>,
  token: string,
  comment: string | null,
): Promise<
  | { ok: true; request: ChangeRequest; decision: 'approve' | 'reject' }
  | { ok: false; problem: LinkProblem; detail?: string; request?: ChangeRequest }
> {
  // Why spend first: a link works once, whatever the request's state; a second use is "used", not "closed".
  // Why in parallel with the request's read: spending needs only the verified claims, so the link
  // costs no round trip of its own (issue 11: an approval by link takes 3 sequential round trips).
  const verified = await deps.linkSigner.verify(token, deps.clock.now());
  const spent = verified.ok
    ? deps.changeRequests.markLinkUsed(
        verified.claims.tenantId,
        verified.claims.jti,
        new Date(verified.claims.exp * 1000),
      )
    : Promise.resolve(false);
  spent.catch(() => undefined);
  const seen = await inspectApprovalLink(deps, token);
  if (!seen.ok) return seen;
  const { claims } = seen;
  const fresh = await spent;
  if (!fresh) return { ok: false, problem: 'used', request: seen.request };
  if (seen.closedReason !== null)
    return { ok: false, problem: 'closed', detail: seen.closedReason, request: seen.request };
  try {
    const request = await recordDecision(deps, {
      tenantId: claims.tenantId,
      requestId: claims.requestId,
      actor: { userId: claims.approver, via: 'link' },
      decision: claims.decision,
      comment,
    });
    return { ok: true, request, decision: claims.decision };
  } catch (error) {
    if (error instanceof ChangeRequestClosedError || error instanceof ApprovalRuleError) {
      return { ok: false, problem: 'closed', detail: error.message, request: seen.request };
    }
    throw error;
  }
}
