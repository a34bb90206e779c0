import { writeFile } from 'node:fs/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSettings } from '../../../shared/client/index.ts';
import { tempDir } from './client-fixtures.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const schema = v.object({
  plain: v.string(),
  exported: v.number(),
  double: v.string(),
  single: v.string(),
  multiline: v.string(),
  escaped: v.string(),
  hash: v.string(),
  empty: v.string(),
  override: v.optional(v.string()),
});

describe('dotenv files', () => {
  it('reads quotes, export, comments, multi-line values and empty values', async () => {
    // Prepare
    await writeFile(
      tmp.path('.env'),
      [
        '# a comment line',
        'APP_PLAIN=value # a trailing comment',
        'export APP_EXPORTED=12',
        'APP_DOUBLE="two words"',
        "APP_SINGLE='keeps $HOME and # as text'",
        'APP_MULTILINE="first line',
        'second line"',
        'APP_ESCAPED="tab\\nnewline"',
        'APP_HASH="a # inside quotes"',
        'APP_EMPTY=',
        '',
        'APP_OVERRIDE=from-first',
      ].join('\n'),
    );
    await writeFile(tmp.path('.env.local'), 'APP_OVERRIDE=from-second\n');

    // Act
    const settings = defineSettings(schema, {
      argv: [],
      env: { prefix: 'APP_', vars: {} },
      dotenv: [tmp.path('.env'), tmp.path('.env.local'), tmp.path('.env.missing')],
    });
    const loaded = await settings.load();

    // Assess
    expect(loaded).toEqual({
      plain: 'value',
      exported: 12,
      double: 'two words',
      single: 'keeps $HOME and # as text',
      multiline: 'first line\nsecond line',
      escaped: 'tab\nnewline',
      hash: 'a # inside quotes',
      empty: '',
      override: 'from-second',
    });
    expect((await settings.explain()).find((e) => e.path === 'override')?.from).toBe(
      `${tmp.path('.env.local')}: APP_OVERRIDE`,
    );
  });

  it('loses to the environment, which wins over every dotenv file', async () => {
    // Prepare
    await writeFile(tmp.path('.env.small'), 'APP_OVERRIDE=dotenv\n');

    // Act
    const settings = await defineSettings(v.object({ override: v.string() }), {
      argv: [],
      env: { prefix: 'APP_', vars: { APP_OVERRIDE: 'env' } },
      dotenv: [tmp.path('.env.small')],
    }).load();

    // Assess
    expect(settings.override).toBe('env');
  });
});
