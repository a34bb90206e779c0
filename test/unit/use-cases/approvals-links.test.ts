import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/approvals/change-request.ts';
import {
  decideByLink,
  inspectApprovalLink,
  issueApproverLinks,
} from '../../../shared/use-cases/approvals/approval-links.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import {
  type ApprovalHarness,
  propose,
  protectProd,
  startApprovalHarness,
  user,
  waitFor,
} from '../workflows/approval-harness.ts';

const T = 'acme';
let clockNow = new Date('2026-05-01T10:00:00Z');
let h: ApprovalHarness;
let request: ChangeRequest;

function tokenOf(url: string): string {
  return url.split('/v1/approvals/')[1] as string;
}

beforeEach(async () => {
  clockNow = new Date('2026-05-01T10:00:00Z');
  h = await startApprovalHarness({ clock: { now: () => clockNow } });
  await protectProd(h.deps, T, { protected: false, approvers: [] });
  await putSettings(h.deps, {
    principal: user(T, 'root', 'admin'),
    scope: { kind: 'env', env: 'prod' },
    content: { a: 1 },
    reason: 'seed',
    ticket: null,
    ifMatch: undefined,
  });
  await protectProd(h.deps, T, { approvalTimeout: 'PT1H' });
  request = await propose(h.deps, T, 'alice', { a: 2 }, 1);
  request = await waitFor(h.deps, T, request.id, (r) => r.taskToken !== null);
});

afterEach(async () => {
  await h.close();
});

describe('approval links (use cases)', () => {
  it('refuses a link after the request expired, changing nothing', async () => {
    // Prepare
    const links = await issueApproverLinks(h.deps, request, 'bob');
    clockNow = new Date(new Date(request.expiresAt).getTime() + 1000);
    // Act
    const outcome = await decideByLink(h.deps, tokenOf(links.approve), null);
    // Assess
    expect(outcome).toMatchObject({ ok: false, problem: 'expired' });
    expect((await h.deps.changeRequests.get(T, request.id))?.decisions).toEqual([]);
  });

  it('refuses a correctly signed link for someone who is not an approver, or for the requester', async () => {
    // Prepare
    const mallory = await issueApproverLinks(h.deps, request, 'mallory');
    const alice = await issueApproverLinks(h.deps, request, 'alice');
    // Act
    const asMallory = await decideByLink(h.deps, tokenOf(mallory.approve), null);
    const asAlice = await inspectApprovalLink(h.deps, tokenOf(alice.approve));
    // Assess
    expect(asMallory).toMatchObject({ ok: false, problem: 'wrong-approver' });
    expect(asAlice).toMatchObject({ ok: false, problem: 'self-approval' });
    expect((await h.deps.changeRequests.get(T, request.id))?.status).toBe('pending');
  });

  it('does not let a link signed for another tenant reach this tenant’s request', async () => {
    // Prepare
    const foreign = await h.deps.linkSigner.sign({
      tenantId: 'globex',
      requestId: request.id,
      approver: 'bob',
      decision: 'approve',
      exp: Math.floor(new Date(request.expiresAt).getTime() / 1000),
      jti: 'x',
    });
    // Act
    const outcome = await decideByLink(h.deps, foreign, null);
    // Assess
    expect(outcome).toMatchObject({ ok: false, problem: 'not-found' });
  });

  it('works once: the second use of a link, or of its sibling, changes nothing', async () => {
    // Prepare
    const links = await issueApproverLinks(h.deps, request, 'bob');
    // Act
    const first = await decideByLink(h.deps, tokenOf(links.approve), 'ok');
    const again = await decideByLink(h.deps, tokenOf(links.approve), 'ok');
    const sibling = await decideByLink(h.deps, tokenOf(links.reject), 'no');
    // Assess
    expect(first).toMatchObject({ ok: true, decision: 'approve' });
    expect(again).toMatchObject({ ok: false, problem: 'used' });
    expect(sibling).toMatchObject({ ok: false, problem: 'used' });
    const stored = await waitFor(h.deps, T, request.id, (r) => r.status === 'applied');
    expect(stored.decisions).toHaveLength(1);
  });

  it('shows an approver’s page with both decision tokens without changing anything', async () => {
    // Prepare
    const links = await issueApproverLinks(h.deps, request, 'carol');
    // Act
    const seen = await inspectApprovalLink(h.deps, tokenOf(links.reject));
    // Assess
    expect(seen).toMatchObject({
      ok: true,
      closedReason: null,
      tokens: { approve: tokenOf(links.approve), reject: tokenOf(links.reject) },
    });
    expect((await h.deps.changeRequests.get(T, request.id))?.revision).toBe(request.revision);
  });
});
