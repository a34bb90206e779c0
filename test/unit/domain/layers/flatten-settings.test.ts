import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  flattenSettings,
  printableText,
  renderDotenv,
  secretReferenceNote,
} from '../../../../shared/domain/layers/flatten-settings.ts';

/** A secret name that, written raw into a comment, would end it and start a variable. */
const INJECTING = "x'\nINJECTED=1\r\nB=2\u2028C=3";

describe('secretReferenceNote', () => {
  it('names a valid secret as it is', () => {
    // Act / Assess
    expect(secretReferenceNote(['DB__PASSWORD', 'db-password'])).toBe(
      "DB__PASSWORD: secret reference 'db-password', not exported",
    );
  });

  it('quotes a name that is no valid secret name in printable ASCII, so the comment stays one line', () => {
    // Act
    const note = secretReferenceNote(['DB__PASSWORD', INJECTING]);
    // Assess
    expect(note).toBe(
      'DB__PASSWORD: secret reference "x\'\\nINJECTED=1\\r\\nB=2\\u2028C=3" (not a valid secret name), not exported',
    );
    expect(note).toMatch(/^[\x20-\x7e]*$/);
  });

  it('gives a dotenv file in which the comment defines no variable', () => {
    // Prepare
    const flat = flattenSettings({ db: { password: { $secret: INJECTING } }, a: 'b' });
    // Act
    const text = [
      ...flat.secretReferences.map((r) => `# ${secretReferenceNote(r)}`),
      renderDotenv(flat.entries),
    ].join('\n');
    // Assess
    expect(parseEnv(text)).toEqual({ A: 'b' });
  });
});

describe('flattenSettings collisions', () => {
  it('report a path holding a line break quoted, on one line', () => {
    // Prepare: two keys that flatten to A_INJECTED_1, the first with a line break in it
    const content = { 'a\nINJECTED=1': 'x', a_INJECTED_1: 'y' };
    // Act
    const { collisions, entries } = flattenSettings(content);
    // Assess
    expect(entries).toEqual([['A_INJECTED_1', 'x']]);
    expect(collisions).toEqual(['A_INJECTED_1: /a_INJECTED_1 collides with "/a\\nINJECTED=1"']);
  });
});

describe('renderDotenv', () => {
  it('keeps every value on one physical line: LF and CR are escaped inside the quotes', () => {
    // Act
    const text = renderDotenv([
      ['A', 'line1\nINJECTED=1'],
      ['B', 'cr\rC=2'],
      ['D', 'plain'],
    ]);
    // Assess
    expect(text.split(/\r\n|\r|\n/)).toEqual(['A="line1\\nINJECTED=1"', 'B="cr\\rC=2"', 'D=plain']);
    const parsed = parseEnv(text);
    expect(Object.keys(parsed)).toEqual(['A', 'B', 'D']);
    expect(parsed.A).toBe('line1\nINJECTED=1');
  });
});

describe('printableText', () => {
  it('leaves printable ASCII alone and turns anything else into a JSON string of printable ASCII', () => {
    // Act / Assess
    expect(printableText('/hpa/minReplicas')).toBe('/hpa/minReplicas');
    expect(printableText('/caf\u00e9\u0085\u{1f600}')).toBe('"/caf\\u00e9\\u0085\\ud83d\\ude00"');
    expect(JSON.parse(printableText('/caf\u00e9\u0085\u{1f600}'))).toBe('/caf\u00e9\u0085\u{1f600}');
  });
});
