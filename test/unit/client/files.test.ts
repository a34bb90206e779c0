import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSettings, SettingsError } from '../../../shared/client/index.ts';
import { tempDir } from './client-fixtures.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const schema = v.object({
  name: v.string(),
  db: v.object({ host: v.string(), port: v.number(), replicas: v.optional(v.array(v.string())) }),
  features: v.optional(v.record(v.string(), v.boolean())),
  started: v.optional(v.date()),
});

describe('JSON, YAML, TOML and package.json', () => {
  it('reads TOML tables and YAML mappings with their types, a later file winning key by key', async () => {
    // Prepare
    await writeFile(
      tmp.path('base.toml'),
      'name = "orders"\nstarted = 2026-11-27T10:00:00Z\n\n[db]\nhost = "db1"\nport = 5432\nreplicas = ["r1", "r2"]\n\n[features]\nbeta = true\n',
    );
    await writeFile(tmp.path('local.yaml'), 'db:\n  host: db-local # a comment\nfeatures:\n  gamma: false\n');

    // Act
    const settings = defineSettings(schema, {
      argv: [],
      env: false,
      files: [tmp.path('base.toml'), tmp.path('local.yaml')],
    });

    // Assess
    expect(await settings.load()).toEqual({
      name: 'orders',
      started: new Date('2026-11-27T10:00:00Z'),
      db: { host: 'db-local', port: 5432, replicas: ['r1', 'r2'] },
      features: { beta: true, gamma: false },
    });
    const from = Object.fromEntries((await settings.explain()).map((e) => [e.path, e.from]));
    expect(from['db.host']).toBe(tmp.path('local.yaml'));
    expect(from['db.port']).toBe(tmp.path('base.toml'));
  });

  it('reads a key of package.json and a JSON file', async () => {
    // Prepare
    await writeFile(
      tmp.path('package.json'),
      JSON.stringify({ name: 'pkg', orders: { name: 'from-pkg', db: { host: 'p', port: 1 } } }),
    );
    await writeFile(tmp.path('settings.json'), JSON.stringify({ db: { port: 2 } }));

    // Act
    const settings = await defineSettings(schema, {
      argv: [],
      env: false,
      files: [tmp.path('settings.json')],
      packageJson: { key: 'orders', path: tmp.path('package.json') },
    }).load();

    // Assess
    expect(settings).toEqual({ name: 'from-pkg', db: { host: 'p', port: 2 } });
  });

  it('lists a file that does not parse and a top level that is not an object as issues', async () => {
    // Prepare
    await writeFile(tmp.path('broken.toml'), 'name = "unterminated\n');
    await writeFile(tmp.path('list.yaml'), '- a\n- b\n');
    await writeFile(tmp.path('config.ini'), 'a=1\n');

    // Act
    const error = (await defineSettings(schema, {
      argv: [],
      env: false,
      explicit: { name: 'n', db: { host: 'h', port: 1 } },
      files: [tmp.path('broken.toml'), tmp.path('list.yaml'), tmp.path('config.ini')],
    })
      .load()
      .catch((e: unknown) => e)) as SettingsError;

    // Assess
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/broken\.toml does not parse/),
      expect.stringMatching(/list\.yaml must hold an object at its top level/),
      expect.stringMatching(/unknown settings file type \.ini/),
    ]);
  });

  it('refuses __proto__ keys from a file without polluting Object.prototype', async () => {
    // Prepare
    await writeFile(
      tmp.path('hostile.json'),
      '{"__proto__": {"polluted": true}, "name": "n", "db": {"host": "h", "port": 1}}',
    );

    // Act
    const settings = await defineSettings(schema, {
      argv: [],
      env: false,
      files: [tmp.path('hostile.json')],
    }).load();

    // Assess
    expect(settings.name).toBe('n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('secrets directory', () => {
  it('reads one file per key (dot path or variable form), trims the final newline, coerces and redacts', async () => {
    // Prepare: as Kubernetes mounts a secret, with its hidden ..data link.
    await mkdir(tmp.path('secrets/..data'), { recursive: true });
    await writeFile(tmp.path('secrets/db.host'), 'db-secret\n');
    await writeFile(tmp.path('secrets/DB__PORT'), '6432\n');
    await writeFile(tmp.path('secrets/name'), 'line one\nline two\n');
    await writeFile(tmp.path('secrets/..data/name'), 'ignored');
    await symlink(tmp.path('secrets/..data'), tmp.path('secrets/..latest'));

    // Act
    const settings = defineSettings(schema, { argv: [], env: false, secretsDir: tmp.path('secrets') });
    const loaded = await settings.load();
    const explained = await settings.explain();

    // Assess
    expect(loaded).toEqual({ name: 'line one\nline two', db: { host: 'db-secret', port: 6432 } });
    expect(explained.find((e) => e.path === 'db.port')).toEqual({
      path: 'db.port',
      value: '[redacted]',
      source: 'secrets-dir',
      from: tmp.path('secrets/DB__PORT'),
      secret: true,
    });
  });

  it('gives nothing when the directory does not exist', async () => {
    // Act
    const settings = await defineSettings(v.object({ a: v.optional(v.string(), 'default') }), {
      argv: [],
      env: false,
      secretsDir: tmp.path('no-such-dir'),
    }).load();

    // Assess
    expect(settings).toEqual({ a: 'default' });
  });
});
