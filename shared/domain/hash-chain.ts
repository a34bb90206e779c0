import { contentHash } from './canonical-hash.ts';
import type { JsonObject } from './json-value.ts';

/** The fields a hash-chain check needs from each version. */
export interface ChainLink {
  version: number;
  content: JsonObject;
  contentHash: string;
  prevHash: string | null;
}

/** Result of walking a chain: ok, or the first broken link and why. */
export type ChainVerdict =
  | { ok: true; versions: number }
  | { ok: false; brokenAt: number; reason: 'gap' | 'content-hash' | 'prev-hash' };

/**
 * Walks versions oldest first and names the first broken link: a missing
 * version number, content whose hash differs from the recorded one, or a
 * `prevHash` that is not the previous version's `contentHash`.
 */
export function verifyChain(links: readonly ChainLink[]): ChainVerdict {
  let previous: ChainLink | null = null;
  for (const link of links) {
    const expected = (previous?.version ?? 0) + 1;
    if (link.version !== expected) return { ok: false, brokenAt: expected, reason: 'gap' };
    if (contentHash(link.content) !== link.contentHash)
      return { ok: false, brokenAt: link.version, reason: 'content-hash' };
    if (link.prevHash !== (previous?.contentHash ?? null))
      return { ok: false, brokenAt: link.version, reason: 'prev-hash' };
    previous = link;
  }
  return { ok: true, versions: links.length };
}
