import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineSettings, REDACTED, SettingsError } from '../../../shared/client/index.ts';

const schema = v.object({
  port: v.pipe(v.number(), v.minValue(1)),
  db: v.object({ host: v.string(), password: v.pipe(v.string(), v.minLength(12)) }),
  apiKey: v.string(),
  license: v.string(),
  mode: v.picklist(['a', 'b']),
});

describe('SettingsError', () => {
  it('lists every problem with its dot path, message, source and value, never only the first', async () => {
    // Prepare
    const settings = defineSettings(schema, {
      argv: ['--mode', 'c'],
      env: {
        prefix: 'APP_',
        vars: { APP_PORT: '0', APP_DB__PASSWORD: 'short', APP_API_KEY: '42', APP_LICENSE: 'L-1' },
      },
      explicit: { license: 7 },
      secrets: { keys: ['license'] },
    });

    // Act
    const error = await settings.load().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).issues).toEqual([
      { path: 'db.host', message: 'required: no source gives a value (expected "host")', source: 'missing' },
      {
        path: 'db.password',
        message: 'invalid value: expected >=12',
        source: 'env APP_DB__PASSWORD',
        value: REDACTED,
      },
      { path: 'license', message: 'invalid type: expected string', source: 'explicit', value: REDACTED },
      {
        path: 'mode',
        message: expect.stringContaining('Expected ("a" | "b")'),
        source: 'argv --mode',
        value: 'c',
      },
      { path: 'port', message: expect.stringContaining('Expected >=1'), source: 'env APP_PORT', value: 0 },
    ]);
  });

  it('never quotes a secret value in its messages or its formatted text', async () => {
    // Prepare: the password is of the wrong type and the API key is an object.
    const settings = defineSettings(schema, {
      argv: [],
      explicit: {
        port: 1,
        db: { host: 'h', password: 123456789 },
        apiKey: { nested: 'hunter2-value' },
        license: 'x',
        mode: 'a',
      },
    });

    // Act
    const error = (await settings.load().catch((e: unknown) => e)) as SettingsError;

    // Assess
    const text = error.format();
    expect(error.issues.map((i) => i.path)).toEqual(['apiKey', 'db.password']);
    expect(text).not.toContain('123456789');
    expect(text).not.toContain('hunter2');
    expect(text).toContain(
      `db.password: invalid type: expected string [from explicit] (value: "${REDACTED}")`,
    );
  });

  it('adds the issues of the sources themselves (a file that does not parse) to the validation issues', async () => {
    // Act
    const error = (await defineSettings(v.object({ a: v.string() }), {
      argv: ['--a'],
      files: ['/definitely/missing.json'],
      explicit: {},
      sources: ['argv', 'file', 'explicit'],
    })
      .load()
      .catch((e: unknown) => e)) as SettingsError;

    // Assess
    expect(error.issues).toEqual([
      { path: 'a', message: '--a needs a value', source: 'argv --a' },
      { path: 'a', message: 'required: no source gives a value (expected "a")', source: 'missing' },
    ]);
  });

  it('resolves a deeply frozen object when everything is valid', async () => {
    // Act
    const settings = await defineSettings(schema, {
      argv: [],
      explicit: {
        port: 8080,
        db: { host: 'h', password: 'long-enough-pw' },
        apiKey: 'k',
        license: 'l',
        mode: 'b',
      },
    }).load();

    // Assess
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.db)).toBe(true);
    expect(() => {
      (settings.db as { host: string }).host = 'other';
    }).toThrow(TypeError);
  });
});
