import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { principalFromEvent } from '../../../shared/http/auth-context.ts';
import { decideChangeRequest } from '../../../shared/use-cases/approvals/decide-change-request.ts';
import { putSettings } from '../../../shared/use-cases/settings/put-settings.ts';
import {
  type ApprovalHarness,
  protectProd,
  startApprovalHarness,
  user,
  waitFor,
} from '../workflows/approval-harness.ts';

const T = 'acme';

/** An API Gateway v2 event carrying these JWT claims (strings, as the Lambda authorizer delivers them). */
function withClaims(claims: Record<string, string>): APIGatewayProxyEventV2 {
  return { requestContext: { authorizer: { lambda: claims } } } as unknown as APIGatewayProxyEventV2;
}

describe("the requester's address from the token (issue 16)", () => {
  it('reads the email claim into the principal, and ignores one that is not an address', () => {
    // Act
    const withEmail = principalFromEvent(
      withClaims({ sub: 'ana', tenant_id: T, roles: '[editor]', email: 'ana@example.com' }),
    );
    const malformed = principalFromEvent(
      withClaims({ sub: 'ana', tenant_id: T, roles: '[editor]', email: 'ana' }),
    );

    // Assess
    expect(withEmail.email).toBe('ana@example.com');
    expect(malformed).not.toHaveProperty('email');
  });
});

describe("change requests record and notify the requester's address (issue 16)", () => {
  let h: ApprovalHarness;
  beforeEach(async () => {
    h = await startApprovalHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Alice (optionally with an address in her token) proposes replicas: 5 for prod; bob approves. */
  async function proposeAndApprove(email?: string) {
    const principal = { ...user(T, 'alice', 'editor'), ...(email ? { email } : {}) };
    const outcome = await putSettings(h.deps, {
      principal,
      scope: { kind: 'env', env: 'prod' },
      content: { replicas: 5 } as never,
      reason: 'raise replicas',
      ticket: null,
      ifMatch: undefined,
    });
    if (outcome.kind !== 'change-request') throw new Error('the write was not gated');
    const stored = await h.deps.changeRequests.get(T, outcome.request.id);
    await waitFor(h.deps, T, outcome.request.id, (r) => r.taskToken !== null);
    await decideChangeRequest(h.deps, {
      principal: user(T, 'bob', 'approver:prod'),
      id: outcome.request.id,
      decision: 'approve',
      comment: 'ok',
    });
    await waitFor(h.deps, T, outcome.request.id, (r) => r.status === 'applied');
    const outcomeMail = async () => (await h.outbox()).find((m) => m.kind === 'outcome' && m.to === 'alice');
    for (const deadline = Date.now() + 10_000; !(await outcomeMail()) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { stored, mail: await outcomeMail() };
  }

  it('records requesterEmail on the stored request and sends the outcome there', async () => {
    // Prepare
    await protectProd(h.deps, T);

    // Act
    const { stored, mail } = await proposeAndApprove('alice@corp.example');

    // Assess
    expect(stored?.requesterEmail).toBe('alice@corp.example');
    expect(mail).toMatchObject({ channel: 'email', address: 'alice@corp.example' });
  });

  it("falls back to the requester's approver entry when the token had no address", async () => {
    // Prepare: alice is listed among prod's approvers (alice@example.com); she cannot approve her own request.
    await protectProd(h.deps, T, { approvers: ['alice', 'bob'] });

    // Act
    const { stored, mail } = await proposeAndApprove();

    // Assess
    expect(stored).not.toHaveProperty('requesterEmail');
    expect(mail).toMatchObject({ channel: 'email', address: 'alice@example.com' });
  });

  it('sends no email when neither the token nor the approver entries give one', async () => {
    // Prepare
    await protectProd(h.deps, T);

    // Act
    const { mail } = await proposeAndApprove();

    // Assess
    expect(mail).toBeDefined();
    expect(mail).toMatchObject({ channel: 'user', address: null });
  });
});
