import { parseEnv } from 'node:util';
import fc from 'fast-check';
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
  it('keeps every variable on one physical line: a line feed is written \\n, a value with a carriage return is left out', () => {
    // Act
    const text = renderDotenv([
      ['A', 'line1\nINJECTED=1'],
      ['B', 'cr\rC=2'],
      ['D', 'plain'],
    ]);
    // Assess
    expect(text.split(/\r\n|\r|\n/)).toEqual([
      'A="line1\\nINJECTED=1"',
      '# WARNING B: value not exported, it holds a carriage return (dotenv readers drop it)',
      'D=plain',
    ]);
    expect(parseEnv(text)).toEqual({ A: 'line1\nINJECTED=1', D: 'plain' });
  });

  it.each([
    ['plain text stays unquoted', 'db.internal:5432/app-1,x@y+z', 'db.internal:5432/app-1,x@y+z'],
    ['the empty string is an empty assignment', '', ''],
    ['a double quote goes in single quotes', 'a"b', `'a"b'`],
    ['a single quote goes in double quotes', "it's", `"it's"`],
    ['a backtick goes in single quotes', 'a`b', "'a`b'"],
    ['single and double quotes go in backticks', `it's "x"`, `\`it's "x"\``],
    ['a # is no comment inside quotes', 'a # b', "'a # b'"],
    ['a $ is literal, never expanded', '$HOME $(id) $1', "'$HOME $(id) $1'"],
    ['backslashes stay single', 'C:\\dir\\new \\\\ \\"', "'C:\\dir\\new \\\\ \\\"'"],
    ['a literal backslash-n is no line feed', 'a\\nb', "'a\\nb'"],
    ['a line feed is \\n inside double quotes', 'a\nb', '"a\\nb"'],
    ['a line feed next to a backslash keeps both', 'a\\\nb', '"a\\\\nb"'],
    ['a single quote and a literal backslash-n go in backticks', "it's \\n", "`it's \\n`"],
    [
      'a single quote and a literal backslash-r go in backticks (the dotenv package expands \\r)',
      "it's \\r",
      "`it's \\r`",
    ],
    ['leading and trailing spaces are kept', '  padded  ', "'  padded  '"],
    ['a tab is kept', '\ta\t', "'\ta\t'"],
    ['unicode is written as it is', 'caf\u00e9 \u{1f600} \u2028', "'caf\u00e9 \u{1f600} \u2028'"],
    ['an equals sign goes in quotes', 'a=b', "'a=b'"],
  ])('reads back exactly: %s', (_, value, written) => {
    // Act
    const text = renderDotenv([['NAME', value]]);
    // Assess
    expect(text).toBe(`NAME=${written}`);
    expect(parseEnv(text)).toEqual({ NAME: value });
  });

  it.each([
    ['a carriage return', 'a\rb'],
    ['a line feed and a double quote', 'a\n"b'],
    ['a line feed and a literal backslash-n', 'a\nb\\n'],
    ['all three quote kinds and a literal backslash-n', `'"\`\\n`],
    ['a lone surrogate', 'a\ud800b'],
  ])('leaves out a value no dotenv form carries (%s), with one printable comment naming it', (_, value) => {
    // Act
    const text = renderDotenv([
      ['BAD', value],
      ['NEXT', 'ok'],
    ]);
    // Assess
    const [comment, next] = text.split('\n');
    expect(comment).toMatch(/^# WARNING BAD: value not exported, [\x20-\x7e]+$/);
    expect(next).toBe('NEXT=ok');
    expect(parseEnv(text)).toEqual({ NEXT: 'ok' });
  });

  it('never gives a value that reads back different: each variable reads back exactly or is left out with its comment', () => {
    // Prepare: arbitrary strings, and strings made of the characters dotenv gives a meaning to
    const meaningful = fc.string({
      unit: fc.constantFrom(
        "'",
        '"',
        '`',
        '\\',
        'n',
        'r',
        '\n',
        '\r',
        '#',
        '$',
        ' ',
        '\t',
        '=',
        'a',
        '\u00e9',
        '\u{1f600}',
      ),
    });
    const value = fc.oneof(fc.string({ unit: 'binary' }), meaningful);
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/);
    fc.assert(
      fc.property(name, value, (n, v) => {
        // Act
        const text = renderDotenv([
          [n, v],
          ['AFTER', 'after'],
        ]);
        // Assess: two physical lines, the variable read back exactly or absent with its comment, the next untouched
        const lines = text.split(/\r\n|\r|\n/);
        const parsed = parseEnv(text);
        expect(lines).toHaveLength(2);
        expect(lines[1]).toBe('AFTER=after');
        if (Object.hasOwn(parsed, n)) expect(parsed).toEqual({ [n]: v, AFTER: 'after' });
        else {
          expect(lines[0]).toMatch(new RegExp(`^# WARNING ${n}: value not exported, [\\x20-\\x7e]+$`));
          expect(parsed).toEqual({ AFTER: 'after' });
        }
      }),
      { numRuns: 2000 },
    );
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
