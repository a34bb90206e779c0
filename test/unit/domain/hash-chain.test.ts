import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../shared/domain/hash-chain.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import { nextVersion, type SettingsVersion } from '../../../shared/domain/settings-version.ts';

const intent = { author: 'ann', reason: 'r', ticket: null, createdAt: '2026-01-01T00:00:00.000Z' };
const contents = fc.array(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })), {
  minLength: 1,
  maxLength: 12,
});

function build(list: JsonObject[]): SettingsVersion[] {
  const out: SettingsVersion[] = [];
  for (const content of list) out.push(nextVersion(out.at(-1) ?? null, content, intent));
  return out;
}

describe('hash chain', () => {
  it('a history built version by version verifies', () => {
    fc.assert(
      fc.property(contents, (list) => {
        const chain = build(list as JsonObject[]);
        expect(verifyChain(chain)).toEqual({ ok: true, versions: list.length });
        expect(chain[0]?.prevHash).toBeNull();
      }),
    );
  });

  it('names the first tampered version when content is edited in place', () => {
    fc.assert(
      fc.property(contents, fc.nat(), (list, pick) => {
        const chain = build(list as JsonObject[]);
        const i = pick % chain.length;
        const victim = chain[i] as SettingsVersion;
        chain[i] = { ...victim, content: { ...victim.content, tampered: true } };
        expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: i + 1, reason: 'content-hash' });
      }),
    );
  });

  it('detects a rewritten link even when the tamperer recomputes that content hash', () => {
    const chain = build([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const forged = nextVersion(chain[0] ?? null, { a: 99 }, intent);
    chain[1] = forged; // consistent on its own, but v3 still points at the old v2
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 3, reason: 'prev-hash' });
  });

  it('detects a missing version', () => {
    const chain = build([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(verifyChain([chain[0] as SettingsVersion, chain[2] as SettingsVersion])).toEqual({
      ok: false,
      brokenAt: 2,
      reason: 'gap',
    });
  });

  it('records the patch from the previous version and the keys touched', () => {
    const [v1, v2] = build([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
    ]);
    expect(v1?.patch).toEqual([
      { op: 'add', path: '/a', value: 1 },
      { op: 'add', path: '/b', value: 1 },
    ]);
    expect(v2?.patch).toEqual([{ op: 'replace', path: '/b', value: 2 }]);
    expect(v2?.keysTouchedPercent).toBe(50);
    expect(v2?.prevHash).toBe(v1?.contentHash);
  });
});
