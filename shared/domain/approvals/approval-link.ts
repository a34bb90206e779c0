import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed approval link grants: one decision, by one approver, on one request, until it expires. */
export interface LinkClaims {
  /** Tenant of the request. */
  tenantId: string;
  requestId: string;
  /** The approver the link was made for. */
  approver: string;
  decision: 'approve' | 'reject';
  /** Expiry, seconds since the epoch (the request's own expiry). */
  exp: number;
  /**
   * Link id, recorded once used. An approver's approve and reject links
   * share it: using either spends both, since an approver decides once.
   */
  jti: string;
}

/** Why a link was refused. */
export type LinkRefusal = 'malformed' | 'forged' | 'expired';

/** Domain separation: the key signs approval links and nothing else. */
const PURPOSE = 'plumbline/approval-link/v1';

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(`${PURPOSE}.${payload}`, 'utf8').digest();
}

/**
 * Signs claims as `<base64url(JSON)>.<base64url(HMAC-SHA256)>`. Deterministic:
 * the same claims and key give the same link.
 *
 * @example signLink({ tenantId: 'acme', requestId: 'cr-1', approver: 'bob', decision: 'approve', exp: 1_900_000_000, jti: 'j1' }, key)
 */
export function signLink(claims: LinkClaims, key: Uint8Array): string {
  const ordered = {
    t: claims.tenantId,
    r: claims.requestId,
    a: claims.approver,
    d: claims.decision,
    exp: claims.exp,
    jti: claims.jti,
  };
  const payload = Buffer.from(JSON.stringify(ordered), 'utf8').toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Verifies a link: shape, signature (constant-time compare), then expiry
 * against `now`. Returns the claims or why it was refused.
 */
export function verifyLink(
  token: string,
  key: Uint8Array,
  now: Date,
): { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal } {
  if (token.length > 2048) return { ok: false, reason: 'malformed' };
  const match = /^([A-Za-z0-9_-]{1,1800})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = match as unknown as [string, string, string];
  // Why compare the text, not the decoded bytes: the last of 43 base64url characters carries two
  // unused bits, so four spellings decode to the same MAC; only the canonical one is the link.
  const expected = Buffer.from(mac(key, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { t, r, a, d, exp, jti } = raw;
  if (
    typeof t !== 'string' ||
    typeof r !== 'string' ||
    typeof a !== 'string' ||
    (d !== 'approve' && d !== 'reject') ||
    typeof exp !== 'number' ||
    typeof jti !== 'string'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (now.getTime() >= exp * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { tenantId: t, requestId: r, approver: a, decision: d, exp, jti } };
}

/** The approver's other link (approve ↔ reject): same jti, same expiry. */
export function siblingClaims(claims: LinkClaims): LinkClaims {
  return { ...claims, decision: claims.decision === 'approve' ? 'reject' : 'approve' };
}
