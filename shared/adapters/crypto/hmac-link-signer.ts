import { type LinkClaims, signLink, verifyLink } from '../../domain/approvals/approval-link.ts';
import type { LinkSigner } from '../../ports/link-signer.ts';

/**
 * {@link LinkSigner} over a key source: the data-dir key locally, the
 * Secrets Manager secret on AWS (fetched once, cached by the source).
 *
 * @example new HmacLinkSigner(() => loadOrCreateKey(dataDir, 'approval-link-hmac.key'))
 */
export class HmacLinkSigner implements LinkSigner {
  #key: Promise<Uint8Array> | undefined;

  constructor(private readonly keySource: () => Promise<Uint8Array>) {}

  #getKey(): Promise<Uint8Array> {
    this.#key ??= this.keySource().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  async sign(claims: LinkClaims): Promise<string> {
    return signLink(claims, await this.#getKey());
  }

  async verify(token: string, now: Date) {
    return verifyLink(token, await this.#getKey(), now);
  }
}
