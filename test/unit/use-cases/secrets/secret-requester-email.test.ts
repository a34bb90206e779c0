import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putSecret } from '../../../../shared/use-cases/secrets/put-secret.ts';
import {
  type ApprovalHarness,
  protectProd,
  startApprovalHarness,
  user,
} from '../../workflows/approval-harness.ts';

const T = 'acme';

describe("secret writes in protected environments record the requester's address (issue 16)", () => {
  let h: ApprovalHarness;
  beforeEach(async () => {
    h = await startApprovalHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Alice puts `db-password` in prod, her token carrying `email` or not. */
  async function putInProd(email?: string) {
    const principal = { ...user(T, 'alice', 'editor'), ...(email ? { email } : {}) };
    const outcome = await putSecret(h.deps, {
      principal,
      env: 'prod',
      name: 'db-password',
      value: 's3cret-value',
      criticality: 'critical',
      category: 'data-access',
      reason: 'initial password',
      ifMatch: undefined,
      requestId: 'req-1',
    });
    if (outcome.kind !== 'change-request') throw new Error('the secret write was not gated');
    return h.deps.changeRequests.get(T, outcome.request.id);
  }

  it('stores requesterEmail on the change request of a gated secret write', async () => {
    // Prepare
    await protectProd(h.deps, T);

    // Act
    const stored = await putInProd('alice@corp.example');

    // Assess
    expect(stored?.requester).toBe('alice');
    expect(stored?.requesterEmail).toBe('alice@corp.example');
  });

  it('stores no requesterEmail when the token had no address', async () => {
    // Prepare
    await protectProd(h.deps, T);

    // Act
    const stored = await putInProd();

    // Assess
    expect(stored).toBeDefined();
    expect(stored).not.toHaveProperty('requesterEmail');
  });
});
