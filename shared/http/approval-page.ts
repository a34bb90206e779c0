import type { ChangeRequest } from '../domain/approvals/change-request.ts';
import type { JsonObject, JsonValue } from '../domain/json-value.ts';
import type { LinkProblem } from '../use-cases/approvals/approval-links.ts';
import type { HttpResult } from './http-result.ts';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Headers of every approval page: no caching, no referrer (the URL holds the
 * link), no framing, no scripts, forms only to this origin.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

const STYLE = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
td code{white-space:pre-wrap;word-break:break-all}.op-add{background:#e6ffec}.op-remove{background:#ffebe9}.op-replace{background:#fff8c5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
.actions{display:flex;gap:1rem;margin-top:1rem}button{font-size:1rem;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #888;cursor:pointer}
.approve{background:#1f883d;color:#fff}.reject{background:#cf222e;color:#fff}.notice{padding:.75rem 1rem;border-radius:6px;background:#ddf4ff}
.problem{padding:.75rem 1rem;border-radius:6px;background:#ffebe9}textarea{width:100%;min-height:4rem}`;

function page(title: string, body: string, status: number): HttpResult {
  return {
    status,
    headers: PAGE_HEADERS,
    rawBody: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
  };
}

function pointerGet(document: JsonObject | null, pointer: string): JsonValue | undefined {
  if (document === null) return undefined;
  let node: JsonValue | undefined = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(key)] : (node as JsonObject)[key];
  }
  return node;
}

function show(value: JsonValue | undefined): string {
  return value === undefined
    ? '<em>(none)</em>'
    : `<code>${escapeHtml(JSON.stringify(value, null, 1))}</code>`;
}

/** The diff of a request as a table: operation, path, value before, value after. */
export function renderDiff(request: ChangeRequest, base: JsonObject | null): string {
  const rows = request.patch
    .map((op) => {
      const after = 'value' in op ? (op.value as JsonValue) : undefined;
      return `<tr class="op-${escapeHtml(op.op)}"><td>${escapeHtml(op.op)}</td><td><code>${escapeHtml(op.path)}</code></td><td>${show(pointerGet(base, op.path))}</td><td>${show(after)}</td></tr>`;
    })
    .join('');
  const before = request.baseVersion === null ? 'new document' : `v${request.baseVersion}`;
  return `<table aria-label="diff"><thead><tr><th>Change</th><th>Path</th><th>Before (${escapeHtml(before)})</th><th>After</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No changes</td></tr>'}</tbody></table>`;
}

/**
 * The effective diff of every configuration the request changes (what the
 * approval covers), one row per operation, grouped by configuration.
 */
export function renderEffectiveDiff(request: ChangeRequest): string {
  const effective = request.effective;
  if (effective === null) return '';
  const rows = effective
    .map((change) => {
      const target = `<th scope="rowgroup" rowspan="${Math.max(change.patch?.length ?? 1, 1)}"><code>${escapeHtml(change.target)}</code></th>`;
      if (change.patch === null || change.patch.length === 0)
        return `<tr>${target}<td colspan="3">${change.patch === null ? 'Diff not recorded (too many configurations); its result is pinned by hash' : 'No changes'}</td></tr>`;
      return change.patch
        .map((op, i) => {
          const after = 'value' in op ? (op.value as JsonValue) : undefined;
          return `<tr class="op-${escapeHtml(op.op)}">${i === 0 ? target : ''}<td>${escapeHtml(op.op)}</td><td><code>${escapeHtml(op.path)}</code></td><td>${show(after)}</td></tr>`;
        })
        .join('');
    })
    .join('');
  return `<h2>Effective settings</h2>
<p>What the change does to each configuration of the protected environment, merged with every layer and profile. If any of it would be different when the change is applied (a profile or another layer changed meanwhile), nothing is written.</p>
<table aria-label="effective diff"><thead><tr><th>Configuration</th><th>Change</th><th>Path</th><th>After</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No effective settings change</td></tr>'}</tbody></table>`;
}

/** The approval page a link opens: what changes, who asks, who you act as, and the two buttons. Changes nothing. */
export function renderApprovalPage(input: {
  request: ChangeRequest;
  approver: string;
  tokens: { approve: string; reject: string };
  base: JsonObject | null;
  closedReason: string | null;
}): HttpResult {
  const { request, approver, tokens } = input;
  const received = request.decisions.filter((d) => d.decision === 'approve').length;
  const forms =
    input.closedReason === null
      ? `<form method="post" action="/v1/approvals/${escapeHtml(tokens.approve)}" id="decide">
<label for="comment">Comment (optional)</label><textarea id="comment" name="comment" maxlength="2000"></textarea>
<div class="actions"><button class="approve" type="submit">Approve</button>
<button class="reject" type="submit" formaction="/v1/approvals/${escapeHtml(tokens.reject)}">Reject</button></div></form>`
      : `<p class="notice" role="status">${escapeHtml(input.closedReason)}</p>`;
  const body = `<h1>Change request ${escapeHtml(request.id)}</h1>
<p class="notice">You act as <strong id="acting-as">${escapeHtml(approver)}</strong>. Opening this page decided nothing; only the buttons below do.</p>
<dl><dt>Requested by</dt><dd id="requester">${escapeHtml(request.requester)}</dd>
<dt>Environment</dt><dd>${escapeHtml(request.env)}</dd>
<dt>Document</dt><dd><code>${escapeHtml(request.target.collection)} ${escapeHtml(request.target.key)}</code> ${request.baseVersion === null ? '(new document)' : `from version ${escapeHtml(request.baseVersion)}`}</dd>
<dt>Reason</dt><dd id="reason">${escapeHtml(request.reason)}</dd>
${request.ticket ? `<dt>Ticket</dt><dd>${escapeHtml(request.ticket)}</dd>` : ''}
<dt>Status</dt><dd id="status">${escapeHtml(request.status)}</dd>
<dt>Approvals</dt><dd>${received} of ${request.requiredApprovals}</dd>
<dt>Expires</dt><dd>${escapeHtml(request.expiresAt)}</dd></dl>
<h2>Diff</h2>${renderDiff(request, input.base)}
${renderEffectiveDiff(request)}
<details><summary>Full proposed content</summary><pre><code>${escapeHtml(JSON.stringify(request.proposed, null, 2))}</code></pre></details>
${forms}`;
  return page(`Review change request ${request.id}`, body, 200);
}

/** The page after a decision. */
export function renderDecisionPage(
  request: ChangeRequest,
  decision: 'approve' | 'reject',
  approver: string,
): HttpResult {
  const received = request.decisions.filter((d) => d.decision === 'approve').length;
  const what =
    decision === 'reject'
      ? 'You rejected this change request. It is closed and nothing will be written.'
      : request.status === 'approved'
        ? 'You approved this change request. It has all the approvals it needs and is being applied.'
        : `You approved this change request. It has ${received} of ${request.requiredApprovals} approvals.`;
  return page(
    `Change request ${request.id}: ${decision === 'approve' ? 'approved' : 'rejected'}`,
    `<h1>${decision === 'approve' ? 'Approved' : 'Rejected'}</h1><p class="notice" role="status" id="outcome">${escapeHtml(what)}</p>
<p>Change request <code>${escapeHtml(request.id)}</code> (${escapeHtml(request.env)}), decided by ${escapeHtml(approver)}.</p>`,
    200,
  );
}

const PROBLEMS: Record<LinkProblem, { status: number; title: string; text: string }> = {
  malformed: {
    status: 400,
    title: 'This is not an approval link',
    text: 'The link is incomplete or damaged. Open it again from your message, unchanged.',
  },
  forged: {
    status: 403,
    title: 'This link is not valid',
    text: 'The link’s signature does not check out, so it was not issued by Plumbline. Nothing was changed.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    text: 'The approval window of this change request has closed. Nothing was changed.',
  },
  'not-found': {
    status: 404,
    title: 'No such change request',
    text: 'The change request this link names does not exist. Nothing was changed.',
  },
  'wrong-approver': {
    status: 403,
    title: 'You are not an approver of this request',
    text: 'This link was made for someone who is not one of the request’s approvers. Nothing was changed.',
  },
  'self-approval': {
    status: 403,
    title: 'You cannot decide your own request',
    text: 'The requester can never approve their own change. Nothing was changed.',
  },
  used: {
    status: 409,
    title: 'This link was already used',
    text: 'Each approval link works once. Nothing was changed.',
  },
  closed: { status: 409, title: 'This request takes no more decisions', text: 'Nothing was changed.' },
};

/** The page for a link that cannot be used: says why, changes nothing. */
export function renderLinkProblemPage(problem: LinkProblem, detail?: string): HttpResult {
  const p = PROBLEMS[problem];
  return page(
    p.title,
    `<h1>${escapeHtml(p.title)}</h1><p class="problem" role="alert" id="problem" data-problem="${escapeHtml(problem)}">${escapeHtml(p.text)}${detail ? ` ${escapeHtml(detail)}` : ''}</p>`,
    p.status,
  );
}

/** HTTP status of a link problem. */
export function linkProblemStatus(problem: LinkProblem): number {
  return PROBLEMS[problem].status;
}
