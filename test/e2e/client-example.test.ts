import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { freePort } from '../unit/client/client-fixtures.ts';

const T = 'acme';
const EXAMPLE = join(process.cwd(), 'examples/client-service');
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
let rt: TestRuntime;
let admin: string;
const children: ChildProcess[] = [];

/** Starts the example service; collects its output; resolves its exit code when it exits. */
function runExample(env: Record<string, string>, args: string[] = []) {
  const child = spawn(TSX, [join(EXAMPLE, 'server.ts'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      PLUMBLINE_URL: rt.url,
      PLUMBLINE_ENV: 'dev',
      ORDERS_SECRETS_DIR: join(EXAMPLE, 'none'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    output.stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

beforeAll(async () => {
  await rm(join(EXAMPLE, '.cache'), { recursive: true, force: true });
  rt = await startTestRuntime();
  admin = await rt.token(T, 'root', ['admin']);
  await rt.call('PUT', '/v1/environments/dev', { token: admin, body: { protected: false, reason: 'seed' } });
  const body = {
    content: { db: { host: 'db.dev', password: 's3cret-password' }, pool: { size: 5 } },
    reason: 'seed',
  };
  expect((await rt.call('PUT', '/v1/settings/envs/dev/services/orders', { token: admin, body })).status).toBe(
    201,
  );
});
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await rt?.close();
  await rm(join(EXAMPLE, '.cache'), { recursive: true, force: true });
});

describe('the example service (examples/client-service)', () => {
  it('starts from Plumbline, serves explain(), and picks up a change within one poll', async () => {
    // Prepare
    const token = await rt.token(T, 'orders', ['viewer']);
    const port = String(await freePort());
    const service = runExample({
      PLUMBLINE_TOKEN: token,
      PLUMBLINE_POLL_SECONDS: '0.2',
      ORDERS_HTTP__PORT: port,
    });
    await until(async () => (service.output.stdout.includes('orders listening') ? true : undefined));
    const served = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as {
      settings: { path: string }[];
    };

    // Act
    const body = {
      content: { db: { host: 'db.dev', password: 's3cret-password' }, pool: { size: 6 } },
      reason: 'grow',
    };
    const put = await rt.call('PUT', '/v1/settings/envs/dev/services/orders', {
      token: admin,
      body,
      headers: { 'if-match': '"1"' },
    });
    await until(async () => (service.output.stdout.includes('pool.size 5 -> 6') ? true : undefined));
    service.child.kill('SIGTERM');

    // Assess
    expect(put.status).toBe(201);
    expect(service.output.stdout).toContain(`orders listening on http://127.0.0.1:${port} (pool.size 5)`);
    expect(served.settings).toContainEqual({
      path: 'db.password',
      value: '[redacted]',
      source: 'plumbline',
      from: 'envs/dev/services/orders',
      version: 1,
      secret: true,
    });
    expect(service.output.stdout).toContain('settings changed: pool.size 5 -> 6');
    expect(await service.exited).toBe(0);
  });

  it('refuses to start, listing every missing or invalid setting, with exit code 78', async () => {
    // Prepare: a token for an unknown tenant sees no settings; flags and variables are wrong.
    const token = await rt.token('nobody', 'orders', ['viewer']);

    // Act
    const service = runExample(
      { PLUMBLINE_TOKEN: token, ORDERS_HTTP__PORT: 'abc', ORDERS_DB__PASSWORD: 'short' },
      ['--pool.size=0'],
    );
    const code = await service.exited;

    // Assess
    expect(code).toBe(78);
    expect(service.output.stderr).toContain('Invalid settings: 5 problems');
    expect(service.output.stderr).toContain('(root): Plumbline answered 404');
    expect(service.output.stderr).toContain('db.host: required: no source gives a value');
    expect(service.output.stderr).toContain(
      'db.password: invalid value: expected >=8 [from env ORDERS_DB__PASSWORD] (value: "[redacted]")',
    );
    expect(service.output.stderr).toContain(
      'http.port: Invalid type: Expected number but received "abc" [from env ORDERS_HTTP__PORT]',
    );
    expect(service.output.stderr).toContain(
      'pool.size: Invalid value: Expected >=1 but received 0 [from argv --pool.size]',
    );
    expect(service.output.stderr).not.toContain('short');
  });
});
