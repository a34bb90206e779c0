import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/context.ts';
import { table, visible, warningLines } from '../../../shared/cli/output.ts';
import { runCli } from '../../../shared/cli/program.ts';

// Stored text (a key under a non-strict schema, a reason, a problem's hint) reaches other users'
// terminals through the CLI: none of it may drive the terminal or forge a line of output.

/** A key an editor can store under a non-strict schema: an OSC title, a screen clear, a fake line. */
const HOSTILE = 'a\u001b]0;pwned\u0007\u001b[2J\r\nwarning fake\u009b31m\u007f\u202e';

/** Any character a terminal acts on, except the line feeds the CLI lays its lines out with. */
const RAW_CONTROL = /[^\P{Cc}\n]|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/** Runs the CLI in-process against a fake API answering every request with `status` and `body`. */
async function runAgainst(
  argv: string[],
  status: number,
  body: unknown,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: { PLUMBLINE_URL: 'http://127.0.0.1:9', PLUMBLINE_TOKEN: 't' },
    fetch: async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' },
      }),
  };
  const code = await runCli(argv, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('visible', () => {
  it('escapes C0, CR, LF, tab, DEL, C1, bidi controls and line separators as JSON-style escapes', () => {
    // Act
    const shown = visible(`${HOSTILE}\t\u0085\u2028x`);
    // Assess
    expect(shown).toBe(
      'a\\u001b]0;pwned\\u0007\\u001b[2J\\r\\nwarning fake\\u009b31m\\u007f\\u202e\\t\\u0085\\u2028x',
    );
    expect(shown).not.toMatch(RAW_CONTROL);
  });

  it('leaves printable text as it is: accents, quotes, backslashes, emoji joined by ZWJ', () => {
    // Prepare
    const text = 'café "q" C:\\dir 👩\u200d💻';
    // Act / Assess
    expect(visible(text)).toBe(text);
  });
});

describe('server-provided text in human output', () => {
  it('prints a warning with controls in pointer, message and hint on one line, with no raw control', () => {
    // Act
    const lines = warningLines([
      {
        pointer: `/${HOSTILE}`,
        rule: 'schema.unknown-key',
        message: `unknown key '${HOSTILE}'`,
        hint: HOSTILE,
      },
    ]);
    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(RAW_CONTROL);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toContain('(hint: a\\u001b]0;pwned\\u0007');
  });

  it('keeps each table row on one line whatever its cells hold', () => {
    // Act
    const text = table(['KEY', 'REASON'], [[HOSTILE, `ok\n${HOSTILE}`]]);
    // Assess
    expect(text.split('\n')).toHaveLength(2);
    expect(text).not.toMatch(RAW_CONTROL);
  });

  it('prints a problem whose detail, errors and references carry controls as one line each', async () => {
    // Prepare
    const problem = {
      title: `Invalid${HOSTILE}`,
      status: 422,
      detail: `detail ${HOSTILE}`,
      errors: [
        { pointer: `/${HOSTILE}`, message: HOSTILE, rule: `rule${HOSTILE}`, hint: HOSTILE, value: HOSTILE },
        { pointer: '/b', message: 'second', scope: HOSTILE, target: HOSTILE },
      ],
      references: [{ document: HOSTILE, pointer: `/${HOSTILE}` }],
    };
    // Act
    const res = await runAgainst(['settings', 'get', '--env', 'dev'], 422, problem);
    // Assess
    expect(res.code).not.toBe(0);
    expect(res.err).not.toMatch(RAW_CONTROL);
    expect(res.err.split('\n')).toHaveLength(4); // the error line, two violations, one reference
    expect(res.err).toContain('Error 422: detail a\\u001b]0;pwned\\u0007\\u001b[2J\\r\\nwarning fake');
  });

  it('prints a non-JSON error body (a proxy page) as one line', async () => {
    // Act
    const res = await runAgainst(['settings', 'get'], 502, `<h1>bad</h1>\n${HOSTILE}`);
    // Assess
    expect(res.err.split('\n')).toHaveLength(1);
    expect(res.err).not.toMatch(RAW_CONTROL);
  });

  it('prints a record (author, reason, ticket, warnings, content) with no raw control and no forged line', async () => {
    // Prepare
    const record = {
      version: 3,
      content: { [HOSTILE]: HOSTILE, plain: 'x' },
      author: `bob${HOSTILE}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      reason: `fix${HOSTILE}`,
      ticket: HOSTILE,
      contentHash: 'abcdef0123456789abcdef',
      keysTouchedPercent: 10,
      warnings: [{ pointer: `/${HOSTILE}`, rule: 'schema.unknown-key', message: HOSTILE, hint: HOSTILE }],
    };
    // Act
    const res = await runAgainst(['settings', 'get', '--env', 'dev'], 200, record);
    // Assess
    expect(res.out).not.toMatch(RAW_CONTROL);
    const [header, content] = res.out.split('\n---\n') as [string, string];
    expect(header.split('\n').map((l) => l.split(/[: ]/)[0])).toEqual([
      'version',
      'author',
      'created',
      'reason',
      'ticket',
      'touched',
      'hash',
      'warning',
    ]);
    // The content is YAML: the hostile key and value stay quoted, any continuation line indented.
    expect(
      content
        .split('\n')
        .every((l) => l.startsWith('"') || l.startsWith(' ') || l.startsWith('plain:') || l === ''),
    ).toBe(true);
  });
});

describe('output that stays exact', () => {
  it('keeps --json output valid JSON that means the same record, raw C1 and bidi controls included', async () => {
    // Prepare
    const record = { version: 1, author: HOSTILE, reason: 'r', content: { k: HOSTILE } };
    // Act
    const res = await runAgainst(['settings', 'get', '--json'], 200, record);
    // Assess
    expect(res.out).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(res.out)).toEqual(record);
  });

  it('writes an export byte for byte: it is data for a file or a pipe', async () => {
    // Prepare
    const text = `# Plumbline export\nA="x\u202ey\u009b"\n`;
    // Act
    const res = await runAgainst(['export', '--format', 'dotenv'], 200, text);
    // Assess
    expect(res.out).toBe(text);
  });

  it('prints a revealed secret value byte for byte', async () => {
    // Prepare
    const value = 'p\u00e4ss\u202e\tword';
    // Act
    const res = await runAgainst(['secrets', 'reveal', 'db', '--env', 'dev'], 200, {
      name: 'db',
      version: 1,
      value,
    });
    // Assess
    expect(res.out).toBe(value);
  });
});
