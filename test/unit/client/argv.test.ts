import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineSettings } from '../../../shared/client/index.ts';

const schema = v.object({
  db: v.object({
    host: v.pipe(v.string(), v.description('Database host')),
    port: v.optional(v.number(), 5432),
  }),
  poolSize: v.optional(v.number(), 10),
  tls: v.optional(v.boolean(), true),
  verbose: v.optional(v.boolean(), false),
  tags: v.optional(v.array(v.string()), []),
  ports: v.optional(v.array(v.number())),
  labels: v.optional(v.record(v.string(), v.string())),
  limits: v.optional(v.object({ cpu: v.string() })),
});

const load = (argv: string[]) => defineSettings(schema, { argv, env: false }).load();

describe('command-line arguments', () => {
  it('reads --a.b=x, --a-b x, kebab-case keys, --flag and --no-flag', async () => {
    // Act
    const settings = await load([
      '--db.host=db.internal',
      '--db-port',
      '6543',
      '--pool-size=3',
      '--verbose',
      '--no-tls',
    ]);

    // Assess
    expect(settings).toMatchObject({
      db: { host: 'db.internal', port: 6543 },
      poolSize: 3,
      tls: false,
      verbose: true,
    });
  });

  it('collects repeated flags into arrays, splits comma lists and reads JSON arrays and objects', async () => {
    // Act
    const settings = await load([
      '--db.host=h',
      '--tags',
      'a',
      '--tags=b,c',
      '--ports=[80,443]',
      '--limits={"cpu":"1"}',
      '--labels.team',
      'core',
    ]);

    // Assess
    expect(settings).toMatchObject({
      tags: ['a', 'b', 'c'],
      ports: [80, 443],
      limits: { cpu: '1' },
      labels: { team: 'core' },
    });
  });

  it('stops at --, skips positional arguments and takes an explicit boolean value', async () => {
    // Act
    const settings = await load(['serve', '--db.host', 'h', '--verbose=false', '--', '--pool-size', '99']);

    // Assess
    expect(settings).toMatchObject({ db: { host: 'h' }, poolSize: 10, verbose: false });
  });

  it('reports a flag without its value and an unknown flag under extra: forbid', async () => {
    // Act
    const error = await defineSettings(schema, {
      argv: ['--db.host', '--colour=red'],
      env: false,
      extra: 'forbid',
    })
      .load()
      .catch((e: unknown) => e);

    // Assess
    expect((error as { issues: unknown[] }).issues).toEqual([
      { path: 'colour', message: 'unknown key: the schema does not declare it', source: 'argv --colour' },
      { path: 'db', message: 'required: no source gives a value (expected "db")', source: 'missing' },
      { path: 'db.host', message: '--db.host needs a value', source: 'argv --db.host' },
    ]);
  });

  it('generates --help from the schema with descriptions, defaults, required keys and variables', () => {
    // Act
    const help = defineSettings(schema, { argv: [], env: { prefix: 'APP_' }, program: 'orders' }).help();

    // Assess
    expect(help).toContain('Usage: orders [options]');
    expect(help).toMatch(/--db\.host <string> +Database host; required; env: APP_DB__HOST/);
    expect(help).toMatch(/--db\.port <number> +default: 5432; env: APP_DB__PORT/);
    expect(help).toMatch(/--pool-size <number> +default: 10; env: APP_POOL_SIZE/);
    expect(help).toMatch(/--tls +default: true/);
    expect(help).toMatch(/--ports <number\[\]> +optional/);
    expect(help).toMatch(/--help +show this help/);
  });
});
