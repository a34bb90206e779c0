import * as v from 'valibot';
import type { JsonObject } from '../../domain/json-value.ts';
import { json } from '../http-result.ts';
import { PROBLEM_TYPE_BASE } from '../problem-details.ts';
import { defineRoute, type Route } from '../route.ts';

/** A link token as it appears in the path (its signature is checked by the handler). */
const TokenParams = v.object({ token: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)) });

/** Body of the approval page's POST (form-encoded or JSON). */
export const ApprovalPageBody = v.object({
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000, 'comment is at most 2000 characters'))),
});

const html = { description: 'An HTML page', contentType: 'text/html' };

/**
 * The approval page. Public routes: the signed link is the credential.
 * `GET` shows the change and decides nothing (mail scanners prefetch links);
 * only the page's `POST` decides.
 */
export const approvalPageRoutes: Route[] = [
  defineRoute({
    id: 'showApprovalPage',
    method: 'GET',
    path: '/v1/approvals/{token}',
    context: 'approvals',
    permission: null,
    summary:
      'The approval page of a signed link: the diff, the reason, the requester, who you act as; changes nothing',
    tags: ['approvals'],
    params: TokenParams,
    responses: { 200: html, 400: html, 403: html, 404: html, 409: html, 410: html },
    handle: async ({ params: p }, deps) => {
      const seen = await (await import('../../use-cases/approvals/approval-links.ts')).inspectApprovalLink(
        deps,
        p.token,
      );
      if (!seen.ok) return (await import('../approval-page.ts')).renderLinkProblemPage(seen.problem);
      const { request } = seen;
      const base =
        request.baseVersion === null
          ? null
          : ((
              await deps.documents.get({ tenantId: request.tenantId, ...request.target }, request.baseVersion)
            )?.content ?? null);
      return (await import('../approval-page.ts')).renderApprovalPage({
        request,
        approver: seen.claims.approver,
        tokens: seen.tokens,
        base: base as JsonObject | null,
        closedReason: seen.closedReason,
      });
    },
  }),
  defineRoute({
    id: 'decideByLink',
    method: 'POST',
    path: '/v1/approvals/{token}',
    context: 'approvals',
    permission: null,
    summary:
      'Decide as the link’s approver (the decision the link is bound to), with an optional comment; works once',
    tags: ['approvals'],
    params: TokenParams,
    body: { 'application/x-www-form-urlencoded': ApprovalPageBody, 'application/json': ApprovalPageBody },
    responses: { 200: html, 400: html, 403: html, 404: html, 409: html, 410: html },
    handle: async ({ params: p, body, contentType }, deps) => {
      const outcome = await (await import('../../use-cases/approvals/approval-links.ts')).decideByLink(
        deps,
        p.token,
        body.comment || null,
      );
      if (contentType === 'application/json') {
        return outcome.ok
          ? json(200, {
              requestId: outcome.request.id,
              decision: outcome.decision,
              status: outcome.request.status,
            })
          : // An RFC 9457 problem (the API's one error shape); `problem` keeps the link problem's code.
            json(
              (await import('../approval-page.ts')).linkProblemStatus(outcome.problem),
              {
                type: `${PROBLEM_TYPE_BASE}approval-link-${outcome.problem}`,
                title: 'The approval link cannot be used',
                status: (await import('../approval-page.ts')).linkProblemStatus(outcome.problem),
                detail:
                  outcome.detail ??
                  `The approval link is ${outcome.problem.replaceAll('-', ' ')}; nothing was changed`,
                problem: outcome.problem,
              },
              { 'content-type': 'application/problem+json' },
            );
      }
      if (!outcome.ok)
        return (await import('../approval-page.ts')).renderLinkProblemPage(outcome.problem, outcome.detail);
      const approver = outcome.request.decisions.at(-1)?.actor ?? '';
      return (await import('../approval-page.ts')).renderDecisionPage(
        outcome.request,
        outcome.decision,
        approver,
      );
    },
  }),
];
