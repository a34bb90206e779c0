import type { LinkClaims, LinkRefusal } from '../domain/approvals/approval-link.ts';

/**
 * Signs and verifies approval links (HMAC-SHA256). The key comes from
 * Secrets Manager on AWS and from the data directory locally.
 */
export interface LinkSigner {
  sign(claims: LinkClaims): Promise<string>;
  verify(
    token: string,
    now: Date,
  ): Promise<{ ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal }>;
}
