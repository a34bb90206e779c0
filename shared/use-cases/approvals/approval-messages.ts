import type { ChangeRequest } from '../../domain/approvals/change-request.ts';

function describeChanges(request: ChangeRequest): string {
  const ops = request.patch.slice(0, 20).map((op) => {
    const value = 'value' in op ? ` = ${JSON.stringify(op.value).slice(0, 120)}` : '';
    return `  ${op.op} ${op.path}${value}`;
  });
  const more = request.patch.length > 20 ? [`  ... and ${request.patch.length - 20} more`] : [];
  return [`Changes (${request.patch.length} operation(s)):`, ...ops, ...more].join('\n');
}

/** Subject and text of the message asking an approver to decide. */
export function approvalRequestMessage(
  request: ChangeRequest,
  links: { approve: string; reject: string },
): { subject: string; text: string } {
  return {
    subject: `[Plumbline] Approval needed: ${request.target.collection} ${request.target.key} in ${request.env} (${request.id})`,
    text: [
      `${request.requester} asks to change ${request.target.collection} ${request.target.key} in the protected environment ${request.env}` +
        ` (base version ${request.baseVersion ?? 'none'}).`,
      `Reason: ${request.reason}`,
      ...(request.ticket ? [`Ticket: ${request.ticket}`] : []),
      `Approvals needed: ${request.requiredApprovals}`,
      describeChanges(request),
      '',
      `Review and approve: ${links.approve}`,
      `Review and reject: ${links.reject}`,
      '',
      `Each link opens a page that shows the change; nothing is decided until you press its button. The links expire at ${request.expiresAt}.`,
    ].join('\n'),
  };
}

/** Subject and text of the message telling the requester how their request ended. */
export function outcomeMessage(request: ChangeRequest): { subject: string; text: string } {
  const what: Record<string, string> = {
    applied: `was approved and applied as version ${request.appliedVersion ?? '?'}`,
    rejected: 'was rejected',
    expired: 'expired without enough approvals',
    conflicted:
      'was approved but not applied: the document changed since you proposed it (re-read and propose again)',
    withdrawn: 'was withdrawn',
    failed: `failed: ${request.failure?.error ?? 'unknown error'}`,
  };
  const story = request.history.map(
    (h) =>
      `  ${h.at} ${h.actor} ${h.action}${h.comment ? `: ${h.comment}` : ''}${h.detail ? ` (${h.detail})` : ''}`,
  );
  return {
    subject: `[Plumbline] Change request ${request.id} ${request.status}`,
    text: [
      `Your change to ${request.target.collection} ${request.target.key} in ${request.env} ${what[request.status] ?? `is ${request.status}`}.`,
      `Reason: ${request.reason}`,
      'History:',
      ...story,
    ].join('\n'),
  };
}
