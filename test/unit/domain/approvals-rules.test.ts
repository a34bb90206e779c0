import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siblingClaims, signLink, verifyLink } from '../../../shared/domain/approvals/approval-link.ts';
import type { ChangeRequest } from '../../../shared/domain/approvals/change-request.ts';
import { decide, expire, markApplied, withdraw } from '../../../shared/domain/approvals/decision-rules.ts';
import { defaultEnvironmentConfig } from '../../../shared/domain/approvals/environment-config.ts';
import { parseIsoDuration } from '../../../shared/domain/approvals/iso-duration.ts';
import { ApprovalRuleError, ChangeRequestClosedError } from '../../../shared/domain/errors.ts';
import { escapeHtml } from '../../../shared/http/approval-page.ts';
import { changeRequestFixture, FIXTURE_NOW } from '../../support/change-request-fixture.ts';

const now = FIXTURE_NOW;

function request(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return changeRequestFixture(overrides);
}

const bob = { userId: 'bob', via: 'api' as const };
const carol = { userId: 'carol', via: 'link' as const };

describe('approval decision rules', () => {
  it('never lets the requester approve their own request, even when listed as an approver', () => {
    // Prepare
    const r = request();
    // Act
    const attempt = () => decide(r, { userId: 'alice', via: 'api' }, 'approve', null, now);
    // Assess
    expect(attempt).toThrow(ApprovalRuleError);
    expect(attempt).toThrow(/own change request/);
  });

  it('counts only approvers the environment listed', () => {
    // Prepare
    const r = request();
    // Act
    const attempt = () => decide(r, { userId: 'mallory', via: 'api' }, 'approve', null, now);
    // Assess
    expect(attempt).toThrow(expect.objectContaining({ rule: 'not-an-approver' }));
  });

  it('needs N distinct approvals: the first keeps it pending, the second approves it', () => {
    // Prepare
    const r = request();
    // Act
    const one = decide(r, bob, 'approve', 'ok', now);
    const again = () => decide(one, bob, 'approve', 'ok', now);
    const two = decide(one, carol, 'approve', null, now);
    // Assess
    expect(one.status).toBe('pending');
    expect(one.revision).toBe(2);
    expect(again).toThrow(ChangeRequestClosedError);
    expect(two.status).toBe('approved');
    expect(two.history.map((h) => h.action)).toEqual(['approved', 'approved', 'quorum-reached']);
    expect(two.decisions.map((d) => [d.actor, d.via, d.at])).toEqual([
      ['bob', 'api', now.toISOString()],
      ['carol', 'link', now.toISOString()],
    ]);
  });

  it('closes the request on any eligible rejection, whatever approvals it had', () => {
    // Prepare
    const r = decide(request(), bob, 'approve', null, now);
    // Act
    const rejected = decide(r, carol, 'reject', 'no', now);
    // Assess
    expect(rejected.status).toBe('rejected');
    expect(rejected.history.at(-1)).toMatchObject({ actor: 'carol', action: 'rejected', comment: 'no' });
  });

  it('refuses every decision after the request is closed (409)', () => {
    // Prepare
    const closed = [
      'approved',
      'applied',
      'rejected',
      'expired',
      'conflicted',
      'withdrawn',
      'failed',
    ] as const;
    for (const status of closed) {
      // Act
      const attempt = () => decide(request({ status }), bob, 'approve', null, now);
      // Assess
      expect(attempt).toThrow(ChangeRequestClosedError);
    }
  });

  it('lets only the requester withdraw, and only while pending', () => {
    // Prepare
    const r = request();
    // Act
    const byBob = () => withdraw(r, 'bob', null, now);
    const withdrawn = withdraw(r, 'alice', 'not needed', now);
    // Assess
    expect(byBob).toThrow(expect.objectContaining({ rule: 'requester-only' }));
    expect(withdrawn.status).toBe('withdrawn');
    expect(() => withdraw(withdrawn, 'alice', null, now)).toThrow(ChangeRequestClosedError);
  });

  it('expires only pending requests and applies only approved ones', () => {
    // Prepare
    const approved = decide(decide(request(), bob, 'approve', null, now), carol, 'approve', null, now);
    // Act / Assess
    expect(expire(request(), now).status).toBe('expired');
    expect(() => expire(approved, now)).toThrow(ChangeRequestClosedError);
    expect(markApplied(approved, 4, now)).toMatchObject({ status: 'applied', appliedVersion: 4 });
    expect(() => markApplied(request(), 4, now)).toThrow(ChangeRequestClosedError);
  });
});

describe('environment defaults and approval timeouts', () => {
  it('protects prod and production by default, with no approvers', () => {
    // Prepare / Act / Assess
    expect(defaultEnvironmentConfig('prod')).toMatchObject({ protected: true, approvers: [] });
    expect(defaultEnvironmentConfig('production').protected).toBe(true);
    expect(defaultEnvironmentConfig('dev').protected).toBe(false);
  });

  it('reads ISO 8601 durations in days, hours, minutes and seconds, and nothing else', () => {
    // Prepare / Act / Assess
    expect(parseIsoDuration('PT24H')).toBe(86400);
    expect(parseIsoDuration('P1DT12H30M5S')).toBe(86400 + 12 * 3600 + 30 * 60 + 5);
    for (const bad of ['P', 'PT', 'P1Y', 'P1W', 'PT1.5H', '24h', '', 'P1DT'])
      expect(parseIsoDuration(bad)).toBeUndefined();
  });
});

describe('approval links', () => {
  const key = Buffer.alloc(32, 7);
  const claimsArb = fc.record({
    tenantId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/),
    requestId: fc.stringMatching(/^cr-[0-9a-z]{9}-[0-9a-f]{16}$/),
    approver: fc.string({ minLength: 1, maxLength: 40 }),
    decision: fc.constantFrom('approve' as const, 'reject' as const),
    exp: fc.integer({ min: 1_800_000_000, max: 2_000_000_000 }),
    jti: fc.string({ minLength: 1, maxLength: 30 }),
  });

  it('verifies every link it signed, with the same claims', () => {
    fc.assert(
      fc.property(claimsArb, (claims) => {
        // Act
        const verified = verifyLink(signLink(claims, key), key, now);
        // Assess
        expect(verified).toEqual({ ok: true, claims });
      }),
    );
  });

  it('refuses any link whose payload or signature was changed, or that another key signed', () => {
    fc.assert(
      fc.property(claimsArb, fc.nat(), fc.integer({ min: 1, max: 63 }), (claims, position, flip) => {
        // Prepare
        const token = signLink(claims, key);
        const i = position % token.length;
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const char = token[i] as string;
        if (char === '.') return;
        const replaced = alphabet[(alphabet.indexOf(char) + flip) % 64] as string;
        const tampered = `${token.slice(0, i)}${replaced}${token.slice(i + 1)}`;
        // Act
        const result = verifyLink(tampered, key, now);
        const otherKey = verifyLink(token, Buffer.alloc(32, 8), now);
        // Assess
        expect(result.ok).toBe(false);
        expect(otherKey).toEqual({ ok: false, reason: 'forged' });
      }),
    );
  });

  it('refuses a signature spelled differently even when it decodes to the same MAC', () => {
    // Prepare: the last of 43 base64url characters has two unused bits, so flipping the lowest one keeps the bytes
    const claims = {
      tenantId: 'acme',
      requestId: 'cr-1',
      approver: 'bob',
      decision: 'approve' as const,
      jti: 'j',
    };
    const token = signLink({ ...claims, exp: Math.floor(now.getTime() / 1000) + 60 }, key);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) as string);
    const respelled = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    // Act
    const original = verifyLink(token, key, now);
    const result = verifyLink(respelled, key, now);
    // Assess
    expect(original.ok).toBe(true);
    expect(result).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a link once its request’s expiry has passed', () => {
    // Prepare
    const exp = Math.floor(now.getTime() / 1000) + 60;
    const token = signLink(
      { tenantId: 'acme', requestId: 'cr-1', approver: 'bob', decision: 'approve', exp, jti: 'j' },
      key,
    );
    // Act
    const before = verifyLink(token, key, new Date((exp - 1) * 1000));
    const after = verifyLink(token, key, new Date(exp * 1000));
    // Assess
    expect(before.ok).toBe(true);
    expect(after).toEqual({ ok: false, reason: 'expired' });
  });

  it('binds the decision: the approve and reject links of one approver differ but share their id', () => {
    // Prepare
    const claims = {
      tenantId: 'acme',
      requestId: 'cr-1',
      approver: 'bob',
      decision: 'approve' as const,
      exp: 1_900_000_000,
      jti: 'j',
    };
    // Act
    const sibling = siblingClaims(claims);
    // Assess
    expect(sibling).toEqual({ ...claims, decision: 'reject' });
    expect(signLink(sibling, key)).not.toBe(signLink(claims, key));
  });
});

describe('approval page escaping', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        // Act
        const escaped = escapeHtml(text);
        // Assess
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replaceAll(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
    );
  });
});
