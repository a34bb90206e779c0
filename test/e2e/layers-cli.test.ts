import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../shared/cli/program.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let dir: string;
let env: Record<string, string>;
let adminToken: string;
let otherTenantToken: string;

/** Runs the CLI in-process and captures what it prints. */
async function plumb(args: string[], extraEnv: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: { ...env, ...extraEnv },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-layers-cli-'));
  rt = await startTestRuntime();
  adminToken = await rt.token('acme', 'ada', ['admin']);
  otherTenantToken = await rt.token('globex', 'gus', ['admin']);
  env = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: await rt.token('acme', 'erin', ['editor']) };
});
afterAll(async () => rt.close());

describe('layers, validation and snapshots through the CLI', () => {
  it('sets global defaults, an environment override and an instance override, and shows the effective result with its origins', async () => {
    const global = await file('global.yaml', 'log:\n  level: info\n  format: json\nreplicas: 2\n');
    const staging = await file('staging.yaml', 'log:\n  level: warn\nimage: r.io/api:1\n');
    const service = await file('api.yaml', '$profile: production_like\nlabels:\n  team: core\n');
    const instance = await file('i-1.yaml', 'replicas: 3\nlog:\n  format: null\n');

    expect((await plumb(['profiles', 'load-examples'])).code).toBe(0);
    expect((await plumb(['settings', 'put', '-f', global, '--reason', 'defaults'])).code).toBe(0);
    expect(
      (await plumb(['settings', 'put', '--env', 'staging', '-f', staging, '--reason', 'staging'])).code,
    ).toBe(0);
    expect(
      (
        await plumb([
          'settings',
          'put',
          '--env',
          'staging',
          '--service',
          'api',
          '-f',
          service,
          '--reason',
          'api',
        ])
      ).code,
    ).toBe(0);
    const put = await plumb([
      'settings',
      'put',
      '--env',
      'staging',
      '--service',
      'api',
      '--instance',
      'i-1',
      '-f',
      instance,
      '--reason',
      'one',
    ]);
    expect(put.code, put.err).toBe(0);

    const eff = await plumb(['effective', '--env', 'staging', '--service', 'api', '--instance', 'i-1']);
    expect(eff.code, eff.err).toBe(0);
    expect(eff.out).toContain(
      'global@v1 < envs/staging@v1 < envs/staging/services/api@v1 < envs/staging/services/api/instances/i-1@v1',
    );
    expect(eff.out).toContain('production_like@v1');
    const yamlPart = parse(eff.out.slice(eff.out.indexOf('---') + 3));
    expect(yamlPart).toMatchObject({
      log: { level: 'warn' },
      replicas: 3,
      image: 'r.io/api:1',
      hpa: { minReplicas: 2, maxReplicas: 6 },
    });
    expect(yamlPart.log.format).toBeUndefined();

    const explain = await plumb(['explain', '--env', 'staging', '--service', 'api', '--instance', 'i-1']);
    expect(explain.code).toBe(0);
    const row = (key: string) => explain.out.split('\n').find((line) => line.startsWith(`${key} `)) ?? '';
    expect(row('/log/level')).toContain('envs/staging ');
    expect(row('/replicas')).toContain('envs/staging/services/api/instances/i-1');
    expect(row('/hpa/minReplicas')).toContain('production_like@v1');
    expect(row('/labels/team')).toContain('envs/staging/services/api ');
    const json = JSON.parse(
      (await plumb(['explain', '--env', 'staging', '--service', 'api', '--key', '/log', '--json'])).out,
    );
    expect(Object.keys(json.explain)).toEqual(['/log/level', '/log/format']);
  });

  it('stops a change that breaks a schema or an HPA rule and lists every mistake', async () => {
    const schema = await file(
      'schema.yaml',
      [
        'schema:',
        '  type: object',
        '  properties:',
        '    log:',
        '      type: object',
        '      properties:',
        '        level: { enum: [debug, info, warn, error] }',
        '        format: { type: string }',
        'rules:',
        '  - id: replicas-cap',
        '    expr: self.replicas <= 10',
        '    message: at most 10 replicas',
        '',
      ].join('\n'),
    );
    const created = await plumb(['schemas', 'put', 'api', '-f', schema, '--reason', 'schema']);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('created version 1');

    const bad = await file(
      'bad.yaml',
      '$profile: production_like\nreplicas: 20\nlog:\n  level: loud\nhpa:\n  minReplicas: 8\n  targetAverageUtilization: 95\n  tolerance: 0.3\n',
    );
    const refused = await plumb([
      'settings',
      'put',
      '--env',
      'staging',
      '--service',
      'api',
      '-f',
      bad,
      '--reason',
      'bad',
    ]);
    expect(refused.code).toBe(2);
    for (const expected of [
      '/hpa/minReplicas: minReplicas (8) is greater than maxReplicas (6) [hpa.min-le-max]',
      '[hpa.target-utilization]',
      '[hpa.tolerance]',
      '/log/level',
      '[schema.enum]',
      'at most 10 replicas [replicas-cap]',
    ]) {
      expect(refused.err).toContain(expected);
    }
    expect(refused.err).toContain('from envs/staging/services/api');

    const validated = await plumb(['validate', '-f', bad, '--env', 'staging', '--service', 'api']);
    expect(validated.code).toBe(2);
    expect(validated.err).toContain('[hpa.min-le-max]');
    const good = await file('good.yaml', '$profile: production_like\nlabels:\n  team: core\nextra: 1\n');
    const ok = await plumb(['validate', '-f', good, '--env', 'staging', '--service', 'api']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('valid: checked 2 configuration(s)');
    expect(ok.out).toContain('warning /extra [schema.unknown-key]');
  });

  it('enforces an environment policy written by an admin', async () => {
    const policy = await file(
      'policy.yaml',
      'allowedRegistries: [r.io/]\nrequiredLabels: [team]\nresources:\n  cpu: { min: 100m, max: "2" }\n',
    );
    const asEditor = await plumb(['policies', 'put', 'staging', '-f', policy, '--reason', 'p']);
    expect(asEditor.code).toBe(2);
    expect(asEditor.err).toContain('Error 403');
    const asAdmin = await plumb(['policies', 'put', 'staging', '-f', policy, '--reason', 'p'], {
      PLUMBLINE_TOKEN: adminToken,
    });
    expect(asAdmin.code, asAdmin.err).toBe(0);
    const list = await plumb(['policies', 'list']);
    expect(list.out).toContain('envs/staging');
    const bad = await file(
      'cpu.yaml',
      '$profile: production_like\nlabels: {}\nimage: docker.io/api\nresources:\n  requests:\n    cpu: "4"\n',
    );
    const refused = await plumb(['validate', '-f', bad, '--env', 'staging', '--service', 'api']);
    expect(refused.code).toBe(2);
    for (const rule of ['[policy.allowed-registries]', '[policy.required-labels]', '[policy.cpu-bounds]'])
      expect(refused.err).toContain(rule);
  });

  it('tags versions, exports the whole tenant and re-imports it into another tenant', async () => {
    const tagged = await plumb(['tag', 'v1.0.0', '--env', 'staging', '--service', 'api']);
    expect(tagged.code, tagged.err).toBe(0);
    expect(tagged.out).toContain('tagged envs/staging/services/api version 1 as v1.0.0');
    expect((await plumb(['tag', 'v1.0.0', '--env', 'staging', '--service', 'api'])).code).toBe(3);
    expect((await plumb(['tag', '--env', 'staging', '--service', 'api'])).out).toContain('v1.0.0');

    const snapshot = join(dir, 'snapshot.yaml');
    const exported = await plumb(['export', '-o', snapshot]);
    expect(exported.code, exported.err).toBe(0);
    const snap = parse(await readFile(snapshot, 'utf8'));
    expect(snap.documents.map((d: { collection: string }) => d.collection)).toEqual(
      expect.arrayContaining(['profiles', 'schemas', 'policies', 'settings']),
    );
    const dotenv = await plumb(['export', '--format', 'dotenv', '--env', 'staging', '--service', 'api']);
    expect(dotenv.out).toContain('HPA__MINREPLICAS=2');

    const planSame = await plumb(['import', '-f', snapshot]);
    expect(planSame.code, planSame.err).toBe(0);
    expect(planSame.out).toContain('0 to create, 0 to update');

    const elsewhere = { PLUMBLINE_TOKEN: otherTenantToken };
    const plan = await plumb(['import', '-f', snapshot], elsewhere);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toContain(`${snap.documents.length} to create`);
    expect(plan.out).toContain('nothing written');
    expect((await plumb(['effective', '--env', 'staging', '--service', 'api'], elsewhere)).code).toBe(2);
    expect((await plumb(['import', '-f', snapshot, '--apply'], elsewhere)).code).toBe(1);
    const applied = await plumb(['import', '-f', snapshot, '--apply', '--reason', 'copy acme'], elsewhere);
    expect(applied.code, `${applied.out}\n${applied.err}`).toBe(0);
    expect(applied.out).toContain(`applied: ${snap.documents.length} written, 0 skipped`);
    const theirs = await plumb(
      ['effective', '--env', 'staging', '--service', 'api', '--instance', 'i-1', '--json'],
      elsewhere,
    );
    const ours = await plumb([
      'effective',
      '--env',
      'staging',
      '--service',
      'api',
      '--instance',
      'i-1',
      '--json',
    ]);
    expect(JSON.parse(theirs.out).content).toEqual(JSON.parse(ours.out).content);
  });
});
