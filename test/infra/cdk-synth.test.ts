import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../lib/shared/house-bundling.ts';

/**
 * The real thing, once: `cdk synth` through the pinned CLI and `cdk.json`,
 * offline, with no AWS credentials and no Docker, cdk-nag on; then every
 * Lambda bundle it produced is loaded under Node as Lambda would load it.
 * CDK's own CloudFormation rule check is switched off here (`CDK_VALIDATION`)
 * only to keep this test near 15 s; `npm run synth` runs it, fatal per cdk.json.
 */

let outdir: string;
let synth: ReturnType<typeof spawnSync>;

/** The environment of a CI job with no AWS access at all. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };
}

interface TemplateFunction {
  description: string;
  bundle: string;
}

function functionsOf(stack: string): TemplateFunction[] {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: { Description?: string }; Metadata?: Record<string, string> }
    >;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => ({
      description: r.Properties.Description ?? '',
      bundle: join(outdir, r.Metadata?.['aws:asset:path'] ?? 'missing', BUNDLE_FILE),
    }));
}

/** Imports a bundle in a fresh Node process (the Lambda runtime's way) and optionally invokes it with `event`. */
function loadBundle(
  bundle: string,
  event?: unknown,
): { status: number | null; stdout: string; stderr: string } {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    if (typeof mod.handler !== 'function') throw new Error('no handler export');
    const event = ${JSON.stringify(event ?? null)};
    const result = event === null ? 'loaded' : await mod.handler(event, { awsRequestId: 'req-1', functionName: 'test' });
    process.stdout.write(JSON.stringify(result));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...offlineEnv(),
      PLUMBLINE_TABLE_NAME: 'plumbline-test',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function httpEvent(method: string, path: string, routeKey: string): unknown {
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json' },
    requestContext: {
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    },
    isBase64Encoded: false,
  };
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'plumbline-cdk-out-'));
  synth = spawnSync(
    join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '-o', outdir],
    {
      cwd: PROJECT_ROOT,
      env: { ...offlineEnv(), CDK_VALIDATION: 'false' },
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
}, 200_000);

describe('npx cdk synth (offline, no credentials, no Docker)', () => {
  it('succeeds with cdk-nag on, writing both stacks pinned to the region', () => {
    expect(synth.stderr).not.toMatch(/ValidationFailed|\[Error at/);
    expect(synth.status, String(synth.stderr)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, a]) => a.type === 'aws:cloudformation:stack',
    );
    expect(Object.fromEntries(stacks.map(([name, a]) => [name, a.environment]))).toEqual({
      'Plumbline-dev-Stateful': 'aws://unknown-account/eu-west-1',
      'Plumbline-dev-Stateless': 'aws://unknown-account/eu-west-1',
    });
  });

  it('bundles every function as minified ESM (an entry and its chunks) with the SDK inside', () => {
    const fns = functionsOf('Plumbline-dev-Stateless');
    expect(fns.length).toBeGreaterThanOrEqual(3);
    for (const fn of fns) {
      expect(existsSync(fn.bundle), fn.description).toBe(true);
      const code = readFileSync(fn.bundle, 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER), fn.description).toBe(true);
      expect(statSync(fn.bundle).size).toBeLessThan(3 * 1024 * 1024);
    }
    const settings = fns.find((f) => f.description === 'Plumbline settings routes');
    // Code split: the SDK may sit in a chunk beside the entry (`chunks/`).
    const folder = dirname(settings?.bundle ?? '');
    const chunks = readdirSync(join(folder, 'chunks')).map((name) => join(folder, 'chunks', name));
    const code = [settings?.bundle ?? '', ...chunks].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(code).toContain('AssumeRole');
  });

  it('produces HTTP bundles that load under Node with only the table name set', () => {
    for (const fn of functionsOf('Plumbline-dev-Stateless').filter((f) => f.description.includes('routes'))) {
      const run = loadBundle(fn.bundle);
      expect(run.stderr, fn.description).toBe('');
      expect(run.stdout, fn.description).toBe('"loaded"');
    }
  });

  it('serves the health route from the system bundle and refuses a settings read without claims with a 401 problem', () => {
    // Prepare
    const fns = functionsOf('Plumbline-dev-Stateless');
    const system = fns.find((f) => f.description.startsWith('Plumbline public system routes'));
    const settings = fns.find((f) => f.description === 'Plumbline settings routes');

    // Act
    const health = loadBundle(system?.bundle ?? '', httpEvent('GET', '/v1/health', 'GET /v1/health'));
    const unauthorized = loadBundle(
      settings?.bundle ?? '',
      httpEvent('GET', '/v1/settings/global', 'GET /v1/settings/global'),
    );

    // Assess
    expect(JSON.parse(health.stdout)).toMatchObject({
      statusCode: 200,
      body: JSON.stringify({ status: 'ok' }),
    });
    const problem = JSON.parse(unauthorized.stdout) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(problem.statusCode).toBe(401);
    expect(problem.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('adds the tenant_id and roles claims in the pre-token-generation bundle', () => {
    // Prepare
    // The trigger belongs to the user pool, which lives in the stateful stack.
    const trigger = functionsOf('Plumbline-dev-Stateful').find((f) =>
      f.description.includes('pre-token-generation'),
    );
    const event = {
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_x',
      userName: 'alice',
      callerContext: { awsSdkVersion: '1', clientId: 'c' },
      request: {
        userAttributes: { sub: 's', 'custom:tenant_id': 'acme', 'custom:roles': 'admin editor:dev' },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: [],
      },
      response: { claimsAndScopeOverrideDetails: null },
    };

    // Act
    const run = loadBundle(trigger?.bundle ?? '', event);

    // Assess
    const claims = { tenant_id: 'acme', roles: ['admin', 'editor:dev'] };
    expect(JSON.parse(run.stdout).response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    });
  });
});
