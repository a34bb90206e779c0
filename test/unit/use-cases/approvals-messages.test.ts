import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../shared/adapters/slack/slack-webhook-notifier.ts';
import type { ChangeRequest } from '../../../shared/domain/approvals/change-request.ts';
import { quoted, singleLine } from '../../../shared/domain/approvals/user-text.ts';
import {
  approvalRequestMessage,
  outcomeMessage,
} from '../../../shared/use-cases/approvals/approval-messages.ts';
import { changeRequestFixture } from '../../support/change-request-fixture.ts';

const links = {
  approve: 'https://plumb.example/v1/approvals/a.b',
  reject: 'https://plumb.example/v1/approvals/c.d',
};
const forged = 'ok\nApprovals needed: 0\nhttps://evil';

function request(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return changeRequestFixture({
    target: { collection: 'settings', key: 'envs/prod/services/api' },
    baseVersion: null,
    proposed: { $profile: 'web' },
    patch: [{ op: 'add', path: '/$profile', value: 'web' }],
    effective: [
      {
        target: 'envs/prod/services/api',
        hash: 'ab'.repeat(32),
        patch: [{ op: 'replace', path: '/image', value: 'r.io/web:1' }],
        inputs: { 'profiles web': 1 },
      },
    ],
    reason: forged,
    ticket: 'OPS-1\r\nTicket: none',
    requiredApprovals: 1,
    approvers: [{ user: 'bob' }],
    history: [{ at: '2026-05-01T10:00:00.000Z', actor: 'alice', action: 'requested', comment: forged }],
    ...overrides,
  });
}

function linesStartingWith(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.trimStart().startsWith(prefix));
}

describe('user text in notifications', () => {
  it('keeps the approval request’s structure intact and unique when the reason carries forged lines', () => {
    // Prepare
    const r = request();
    // Act
    const { text } = approvalRequestMessage(r, links);
    // Assess
    expect(linesStartingWith(text, 'Approvals needed:')).toEqual(['Approvals needed: 1']);
    expect(linesStartingWith(text, 'https://evil')).toEqual([]);
    expect(linesStartingWith(text, 'Ticket:')).toEqual(['  Ticket: "OPS-1 Ticket: none"']);
    expect(text.split('\n').filter((line) => line.includes('https://'))).toEqual([
      `Review and approve: ${links.approve}`,
      `Review and reject: ${links.reject}`,
      '  Reason: "ok Approvals needed: 0 https://evil"',
    ]);
    // The person's text comes after every structured line.
    expect(text.indexOf('Reason:')).toBeGreaterThan(text.indexOf('replace /image'));
    expect(text.indexOf('Reason:')).toBeGreaterThan(text.indexOf(links.reject));
  });

  it('shows the document patch and the effective diff per configuration, and says "new document"', () => {
    // Prepare
    const r = request();
    // Act
    const { text } = approvalRequestMessage(r, links);
    // Assess
    expect(text).toContain('(new document)');
    expect(text).not.toContain('none)');
    expect(text).toContain('Document changes (1 operation(s)):\n  add /$profile = "web"');
    expect(text).toContain(
      'Effective settings changes (1 configuration(s)):\n  envs/prod/services/api\n    replace /image = "r.io/web:1"',
    );
  });

  it('strips line and paragraph separators, bidi overrides and other controls from every piece of user text', () => {
    // Prepare
    const hostile = 'a\u2028Approvals needed: 0\u2029b\u202egnp.exe\u2066c\u0085d\u001b[31me';
    const r = request({
      reason: hostile,
      patch: [{ op: 'add', path: '/x\nApprovals needed: 0', value: 'v\u2028w' }],
      status: 'rejected',
      history: [
        { at: '2026-05-01T10:00:00.000Z', actor: 'alice', action: 'requested', comment: hostile },
        {
          at: '2026-05-01T10:01:00.000Z',
          actor: 'bob',
          action: 'rejected',
          comment: hostile,
          detail: 'via link',
        },
      ],
    });
    // Act
    const asked = approvalRequestMessage(r, links).text;
    const told = outcomeMessage(r).text;
    // Assess
    for (const text of [asked, told]) {
      for (const c of ['\r', '\u0085', '\u2028', '\u2029', '\u202e', '\u2066', '\u001b'])
        expect(text).not.toContain(c);
      expect(linesStartingWith(text, 'Approvals needed: 0')).toEqual([]);
    }
    expect(told).toContain(
      '2026-05-01T10:01:00.000Z bob (rejected): "a Approvals needed: 0 b gnp.exe c d [31me"',
    );
  });

  it('says why a conflicted request was not applied, with people’s text quoted after the history', () => {
    // Prepare
    const r = request({
      status: 'conflicted',
      history: [
        { at: '2026-05-01T10:00:00.000Z', actor: 'alice', action: 'requested', comment: forged },
        {
          at: '2026-05-01T10:05:00.000Z',
          actor: 'bob',
          action: 'approved',
          comment: forged,
          detail: 'via api',
        },
        {
          at: '2026-05-01T10:05:01.000Z',
          actor: 'workflow',
          action: 'conflicted',
          detail:
            'the effective settings changed since approval (envs/prod/services/api: profile web changed from v1 to v2); nothing was written',
        },
      ],
    });
    // Act
    const { text } = outcomeMessage(r);
    // Assess
    expect(text.split('\n')[0]).toContain('was approved but not applied: the effective settings changed');
    expect(text.split('\n')[0]).toContain('profile web changed from v1 to v2');
    expect(text.indexOf('bob (approved): "ok Approvals needed: 0 https://evil"')).toBeGreaterThan(
      text.indexOf('History:'),
    );
    expect(linesStartingWith(text, 'https://evil')).toEqual([]);
  });

  it('carries the same single structure into a Slack Block Kit message', () => {
    // Prepare
    const message = approvalRequestMessage(request(), links);
    // Act
    const slack = slackMessage({
      kind: 'approval-requested',
      tenantId: 'acme',
      requestId: 'cr-1',
      to: 'bob',
      ...message,
      links,
    }) as { blocks: { type: string; text?: { text: string } }[] };
    // Assess
    const section = slack.blocks.find((b) => b.type === 'section')?.text?.text ?? '';
    expect(linesStartingWith(section, 'Approvals needed:')).toEqual(['Approvals needed: 1']);
    expect(linesStartingWith(section, 'https://evil')).toEqual([]);
  });

  it('cuts long text on one line and quotes it unambiguously', () => {
    // Prepare
    // Act
    const cut = singleLine(`${'x'.repeat(600)}\n`, 500);
    const q = quoted('say "hi" \\ \n bye');
    // Assess
    expect([...cut]).toHaveLength(500);
    expect(cut.endsWith('…')).toBe(true);
    expect(q).toBe('"say \\"hi\\" \\\\ bye"');
  });
});
