import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/cli/exit-codes.ts';
import { runPlumb } from '../support/run-plumb.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

// Issue 12, points 5-8: the CLI never fails silently.
let rt: TestRuntime;
let dir: string;
let env: Record<string, string>;
let admin: string;

const plumb = (args: string[], stdin?: string, extraEnv: Record<string, string> = {}) =>
  runPlumb(args, { ...env, ...extraEnv }, stdin);

async function latestVersion(path: string): Promise<number> {
  const res = await rt.call('GET', path, { token: admin });
  return res.body.version;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-feedback-'));
  rt = await startTestRuntime();
  admin = await rt.token('acme', 'alice', ['admin']);
  env = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: admin };
});
afterAll(async () => rt.close());

describe('conflicting options are a usage error', () => {
  it('refuses --merge with --json-patch (exit 1) and writes nothing', async () => {
    // Prepare
    await plumb(['settings', 'put', '--env', 'conflicts', '--reason', 'seed'], '{"replicas": 1}');
    // Act
    const res = await plumb([
      'settings',
      'patch',
      '--env',
      'conflicts',
      '--merge',
      '{"replicas": 2}',
      '--json-patch',
      '[{"op":"replace","path":"/replicas","value":3}]',
      '--reason',
      'both',
    ]);
    // Assess
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain("option '--merge <json>' cannot be used with option '--json-patch <json>'");
    expect(await latestVersion('/v1/settings/envs/conflicts')).toBe(1);
  });

  it('refuses an inline patch with -f, and --type with an inline patch', async () => {
    const file = join(dir, 'patch.json');
    await writeFile(file, '{"replicas": 5}');
    const withFile = await plumb([
      'settings',
      'patch',
      '--env',
      'conflicts',
      '--merge',
      '{}',
      '-f',
      file,
      '--reason',
      'x',
    ]);
    const withType = await plumb([
      'settings',
      'patch',
      '--env',
      'conflicts',
      '--type',
      'json-patch',
      '--merge',
      '{"replicas": 5}',
      '--reason',
      'x',
    ]);
    expect([withFile.code, withType.code]).toEqual([EXIT.usage, EXIT.usage]);
    expect(withType.err).toContain('cannot be used with');
    expect(await latestVersion('/v1/settings/envs/conflicts')).toBe(1);
  });

  it('refuses settings get --version with --tag, and export --json with --format', async () => {
    const get = await plumb(['settings', 'get', '--env', 'conflicts', '--version', '1', '--tag', 'v1.0.0']);
    const exported = await plumb(['export', '--json', '--format', 'yaml']);
    expect(get.code).toBe(EXIT.usage);
    expect(exported.code).toBe(EXIT.usage);
    expect(exported.err).toContain("option '--json' cannot be used with option '--format <format>'");
  });
});

describe('plumb schemas put', () => {
  it('accepts a plain JSON Schema file and wraps it as {schema, rules: [], strict: false}', async () => {
    // Prepare
    const file = join(dir, 'schema.yaml');
    await writeFile(
      file,
      [
        '$schema: https://json-schema.org/draft/2020-12/schema',
        'type: object',
        'properties:',
        '  replicas: { type: integer, minimum: 1 }',
      ].join('\n'),
    );
    // Act
    const res = await plumb(['schemas', 'put', 'plain', '-f', file, '--reason', 'plain schema', '--json']);
    // Assess
    expect(res.code).toBe(EXIT.ok);
    expect(res.err).toContain('read a plain JSON Schema');
    expect(JSON.parse(res.out).content).toMatchObject({
      schema: { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } } },
      rules: [],
      strict: false,
    });
  });

  it('says exactly which shapes it expects, with an example, for anything else', async () => {
    const file = join(dir, 'not-a-schema.yaml');
    await writeFile(file, 'replicas: 3\nimage: r.io/api:1\n');
    const res = await plumb(['schemas', 'put', 'wrong', '-f', file, '--reason', 'oops']);
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toContain('no top-level "schema" key');
    expect(res.err).toContain('top-level keys: replicas, image');
    expect(res.err).toContain('rules:\n    - { id: enough');
    expect((await rt.call('GET', '/v1/schemas/services/wrong', { token: admin })).status).toBe(404);
  });

  it('documents both shapes in --help, and validate --help says what its file holds', async () => {
    const schemas = await plumb(['schemas', 'put', '--help']);
    const validate = await plumb(['validate', '--help']);
    expect(schemas.out).toContain('a plain JSON Schema (2020-12)');
    expect(validate.out).toContain(
      'The file holds the settings you propose for the service (or instance) layer',
    );
    expect(validate.out).toContain('candidate.yaml');
  });
});

describe('plumb effective says which layers it found', () => {
  it('warns on stderr when the environment and the service have no layer, and keeps stdout clean', async () => {
    // Prepare
    await plumb(['settings', 'put', '--reason', 'defaults'], '{"replicas": 2}');
    // Act
    const res = await plumb(['effective', '--env', 'nope', '--service', 'api', '--json']);
    // Assess
    expect(res.code).toBe(EXIT.ok);
    expect(JSON.parse(res.out).layers.map((l: { scope: string }) => l.scope)).toEqual(['global']);
    expect(res.err).toMatch(
      /layers found: global@v\d+ < envs\/nope \(none\) < envs\/nope\/services\/api \(none\)/,
    );
    expect(res.err).toContain("warning: environment 'nope' has no settings layer");
    expect(res.err).toContain("warning: service 'api' in environment 'nope' has no settings layer");
  });

  it("does not warn about an environment without a layer of its own when the service's layer in it exists", async () => {
    // Prepare: the README walkthrough writes envs/svc-only/services/api but never envs/svc-only
    await plumb(['settings', 'put', '--env', 'svc-only', '--service', 'api', '--reason', 'svc'], '{"b": 2}');
    // Act
    const effective = await plumb(['effective', '--env', 'svc-only', '--service', 'api']);
    const explain = await plumb(['explain', '--env', 'svc-only', '--service', 'api']);
    const otherService = await plumb(['effective', '--env', 'svc-only', '--service', 'web']);
    // Assess
    for (const res of [effective, explain]) {
      expect(res.code).toBe(EXIT.ok);
      expect(res.err).toMatch(
        /layers found: global@v\d+ < envs\/svc-only \(none\) < envs\/svc-only\/services\/api@v1/,
      );
      expect(res.err).not.toContain('warning');
    }
    expect(otherService.err).toContain(
      "warning: environment 'svc-only' has no settings layer (envs/svc-only); is the name right?",
    );
    expect(otherService.err).toContain(
      "warning: service 'web' in environment 'svc-only' has no settings layer",
    );
  });

  it('lists the layers without warnings when every one exists, for explain too', async () => {
    await plumb(['settings', 'put', '--env', 'full', '--reason', 'env'], '{"a": 1}');
    await plumb(['settings', 'put', '--env', 'full', '--service', 'api', '--reason', 'svc'], '{"b": 2}');
    const effective = await plumb(['effective', '--env', 'full', '--service', 'api']);
    const explain = await plumb(['explain', '--env', 'full', '--service', 'api']);
    for (const res of [effective, explain]) {
      expect(res.code).toBe(EXIT.ok);
      expect(res.err).toMatch(/layers found: global@v\d+ < envs\/full@v1 < envs\/full\/services\/api@v1/);
      expect(res.err).not.toContain('warning');
    }
  });
});

describe('smaller points', () => {
  it('prints a validation error once, not as a headline and again as a list item', async () => {
    const res = await plumb(['settings', 'get', '--env', 'Bad_Name']);
    expect(res.code).toBe(EXIT.api);
    expect(res.err.match(/\/path\/env/g)).toHaveLength(1);
    expect(res.err.split('\n')[0]).toMatch(/^Error 400: \S/);
  });

  it("blames the permission the write needs: settings:write for editor:dev's put into staging", async () => {
    const res = await plumb(['settings', 'put', '--env', 'staging', '--reason', 'r'], '{"a": 1}', {
      PLUMBLINE_TOKEN: await rt.token('acme', 'dev-only', ['editor:dev']),
    });
    expect(res.code).toBe(EXIT.api);
    expect(res.err).toContain("'settings:write'");
    expect(res.err).not.toContain('settings:read');
  });

  it('marks a rollback in get and history, and says when history has more pages', async () => {
    // Prepare
    const scope = ['--env', 'hist'];
    for (const n of [1, 2, 3]) await plumb(['settings', 'put', ...scope, '--reason', `v${n}`], `{"n": ${n}}`);
    await plumb(['settings', 'rollback', ...scope, '--to', '1', '--reason', 'undo']);
    // Act
    const get = await plumb(['settings', 'get', ...scope]);
    const page = await plumb(['settings', 'history', ...scope, '--limit', '2']);
    const cursor = /--cursor (\S+)/.exec(page.err)?.[1] ?? '';
    const next = await plumb(['settings', 'history', ...scope, '--limit', '2', '--cursor', cursor, '--json']);
    // Assess
    expect(get.out).toContain('rollback: restores the content of version 1');
    expect(page.out).toMatch(/^4 .*undo\s+rollback to v1$/m);
    expect(page.err).toContain('more versions exist: add --all, or --cursor');
    expect(JSON.parse(next.out).map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(next.err).toBe('');
  });

  it('gets the version a tag names with settings get --tag', async () => {
    const scope = ['--env', 'tagged'];
    await plumb(['settings', 'put', ...scope, '--reason', 'one'], '{"n": 1}');
    await plumb(['settings', 'put', ...scope, '--reason', 'two'], '{"n": 2}');
    expect((await plumb(['tag', 'v1.0.0', ...scope, '--version', '1'])).code).toBe(EXIT.ok);
    const res = await plumb(['settings', 'get', ...scope, '--tag', 'v1.0.0', '--json']);
    expect(res.code).toBe(EXIT.ok);
    expect(JSON.parse(res.out)).toMatchObject({ version: 1, content: { n: 1 } });
  });

  it('says a write changed nothing instead of creating an identical version', async () => {
    await plumb(['settings', 'put', '--env', 'same', '--reason', 'one'], '{"n": 1}');
    const res = await plumb(['settings', 'put', '--env', 'same', '--reason', 'again'], '{"n": 1}');
    const patch = await plumb(['settings', 'patch', '--env', 'same', '--merge', '{}', '--reason', 'empty']);
    expect([res.code, patch.code]).toEqual([EXIT.ok, EXIT.ok]);
    expect(res.err).toContain('no change: the content is already that of version 1; nothing written');
    expect(res.out).toContain('unchanged at version 1');
    expect(await latestVersion('/v1/settings/envs/same')).toBe(1);
  });
});

describe('the CLI prints what the API says, not only with --json', () => {
  it("prints a write's warnings (pointer, rule, value and hint) for settings patch, put and profiles alike", async () => {
    // Prepare: a non-strict schema, so an unknown key is a warning, not an error
    const schemaFile = join(dir, 'warn-schema.json');
    await writeFile(schemaFile, '{"type": "object", "properties": {"replicas": {"type": "integer"}}}');
    expect((await plumb(['schemas', 'put', 'warned', '-f', schemaFile, '--reason', 'schema'])).code).toBe(
      EXIT.ok,
    );
    const scope = ['--env', 'warn', '--service', 'warned'];
    await plumb(['settings', 'put', ...scope, '--reason', 'seed'], '{"replicas": 2}');
    // Act
    const patch = await plumb([
      'settings',
      'patch',
      ...scope,
      '--merge',
      '{"replcas": 4}',
      '--reason',
      'typo',
    ]);
    const put = await plumb(
      ['settings', 'put', ...scope, '--reason', 'typo again'],
      '{"replicas": 2, "colour": "red"}',
    );
    // Assess
    expect(patch.code).toBe(EXIT.ok);
    expect(patch.out).toContain('created version 2');
    expect(patch.out).toContain(
      "warning /replcas [schema.unknown-key]: key 'replcas' is not described by the service's schema (value: 4)",
    );
    expect(patch.out).toContain('(hint: Remove it, fix its spelling, or add it to the schema)');
    expect(put.out).toContain('warning /colour [schema.unknown-key]');
    expect(put.out).toContain('(value: "red")');
  });

  it('lists every setting that still references a secret when its deletion is refused', async () => {
    // Prepare
    await plumb(['secrets', 'put', 'db-password', '--env', 'refs', '--reason', 'initial'], 's3cr3t');
    await plumb(
      ['settings', 'put', '--env', 'refs', '--service', 'api', '--reason', 'uses it'],
      '{"db": {"password": {"$secret": "db-password"}}}',
    );
    // Act
    const res = await plumb(['secrets', 'delete', 'db-password', '--env', 'refs', '--reason', 'cleanup']);
    // Assess
    expect(res.code).toBe(EXIT.conflict);
    expect(res.err).toContain('Error 409');
    expect(res.err).toContain('  - referenced by envs/refs/services/api at /db/password');
  });
});
