import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { clip, quoted, singleLine, stripControls } from '../../domain/approvals/user-text.ts';
import type { PatchOperation } from '../../domain/json-patch.ts';

// Notifications are plain text read by people (email via SNS, Slack, the outbox). Their
// structure (who asks, approvals needed, links, what changes) comes first and is built only
// from identifiers the API validated; everything a person typed (reason, ticket, comments)
// comes last, stripped of control characters, on one line and quoted, so it can never
// forge a line of the structure above it.

/** One line per operation: `op path = value`, paths and values stripped of controls and cut. */
function describeOps(ops: readonly PatchOperation[], limit: number, indent: string): string[] {
  const lines = ops.slice(0, limit).map((op) => {
    const value = 'value' in op ? ` = ${clip(stripControls(JSON.stringify(op.value) ?? 'null'), 120)}` : '';
    return `${indent}${op.op} ${clip(stripControls(op.path), 200)}${value}`;
  });
  if (ops.length > limit) lines.push(`${indent}... and ${ops.length - limit} more`);
  return lines;
}

function describeDocument(request: ChangeRequest): string[] {
  return [
    `Document changes (${request.patch.length} operation(s)):`,
    ...describeOps(request.patch, 20, '  '),
  ];
}

/** The effective diff per configuration, compact: at most 10 configurations of 10 operations. */
function describeEffective(request: ChangeRequest): string[] {
  const effective = request.effective;
  if (effective === null) return [];
  if (effective.length === 0) return ['Effective settings: no configuration changes.'];
  const lines = [`Effective settings changes (${effective.length} configuration(s)):`];
  for (const change of effective.slice(0, 10)) {
    lines.push(`  ${change.target}`);
    lines.push(
      ...(change.patch === null
        ? ['    (diff not recorded: too many configurations; the hash of the result is)']
        : describeOps(change.patch, 10, '    ')),
    );
  }
  if (effective.length > 10) lines.push(`  ... and ${effective.length - 10} more configuration(s)`);
  return lines;
}

/** Subject and text of the message asking an approver to decide. */
export function approvalRequestMessage(
  request: ChangeRequest,
  links: { approve: string; reject: string },
): { subject: string; text: string } {
  const base = request.baseVersion === null ? 'new document' : `base version ${request.baseVersion}`;
  return {
    subject: `[Plumbline] Approval needed: ${request.target.collection} ${request.target.key} in ${request.env} (${request.id})`,
    text: [
      `${singleLine(request.requester, 100)} asks to change ${request.target.collection} ${request.target.key} in the protected environment ${request.env} (${base}).`,
      `Approvals needed: ${request.requiredApprovals}`,
      `Review and approve: ${links.approve}`,
      `Review and reject: ${links.reject}`,
      `Each link opens a page that shows the change; nothing is decided until you press its button. The links expire at ${request.expiresAt}.`,
      '',
      ...describeDocument(request),
      ...describeEffective(request),
      '',
      'Written by the requester (quoted, on one line):',
      `  Reason: ${quoted(request.reason)}`,
      ...(request.ticket ? [`  Ticket: ${quoted(request.ticket, 200)}`] : []),
    ].join('\n'),
  };
}

/** Subject and text of the message telling the requester how their request ended. */
export function outcomeMessage(request: ChangeRequest): { subject: string; text: string } {
  const conflict = [...request.history].reverse().find((h) => h.action === 'conflicted')?.detail;
  const what: Record<string, string> = {
    applied: `was approved and applied as version ${request.appliedVersion ?? '?'}`,
    rejected: 'was rejected',
    expired: 'expired without enough approvals',
    conflicted: `was approved but not applied: ${singleLine(conflict ?? 'the document changed since you proposed it')} (re-read and propose again)`,
    withdrawn: 'was withdrawn',
    failed: `failed: ${singleLine(request.failure?.error ?? 'unknown error', 200)}`,
  };
  const story = request.history.map(
    (h) => `  ${h.at} ${singleLine(h.actor, 100)} ${h.action}${h.detail ? ` (${singleLine(h.detail)})` : ''}`,
  );
  const comments = request.history.flatMap((h) =>
    h.comment && h.action !== 'requested'
      ? [`  ${h.at} ${singleLine(h.actor, 100)} (${h.action}): ${quoted(h.comment)}`]
      : [],
  );
  return {
    subject: `[Plumbline] Change request ${request.id} ${request.status}`,
    text: [
      `Your change to ${request.target.collection} ${request.target.key} in ${request.env} ${what[request.status] ?? `is ${request.status}`}.`,
      'History:',
      ...story,
      ...describeDocument(request),
      ...describeEffective(request),
      '',
      'Written by people (quoted, on one line):',
      `  Reason: ${quoted(request.reason)}`,
      ...comments,
    ].join('\n'),
  };
}
