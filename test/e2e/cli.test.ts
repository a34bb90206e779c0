import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/domain/rbac.ts';
import { runPlumb } from '../support/run-plumb.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const exec = promisify(execFile);
let rt: TestRuntime;
let dir: string;
let env: Record<string, string>;

const plumb = (args: string[], stdin?: string, extraEnv: Record<string, string> = {}) =>
  runPlumb(args, { ...env, ...extraEnv }, stdin);
/** `plumb dev token --tenant <tenant> --user zoe` and `flags`. */
const devToken = (tenant: string, ...flags: string[]) =>
  plumb(['dev', 'token', '--tenant', tenant, '--user', 'zoe', ...flags]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-cli-'));
  rt = await startTestRuntime({ dataDir: join(dir, 'data') });
  env = {
    PLUMBLINE_URL: rt.url,
    PLUMBLINE_TOKEN: await rt.token('acme', 'alice', ['editor']),
    PLUMBLINE_DATA_DIR: join(dir, 'data'),
  };
});
afterAll(async () => rt.close());

describe('plumb settings', () => {
  it('puts from a YAML file, patches both ways, shows history, diffs and rolls back', async () => {
    const file = join(dir, 'api.yaml');
    await writeFile(file, 'replicas: 2\nimage: r.io/api:1\nlabels:\n  team: core\n');
    const scope = ['--env', 'staging', '--service', 'api'];

    const put = await plumb([
      'settings',
      'put',
      ...scope,
      '-f',
      file,
      '--reason',
      'first',
      '--ticket',
      'OPS-7',
    ]);
    expect(put.code).toBe(0);
    expect(put.out).toContain('created version 1');

    const merge = await plumb([
      'settings',
      'patch',
      ...scope,
      '--merge',
      '{"replicas":3}',
      '--reason',
      'scale',
    ]);
    expect(merge.code).toBe(0);
    const jsonPatch = await plumb([
      'settings',
      'patch',
      ...scope,
      '--json-patch',
      '[{"op":"replace","path":"/labels/team","value":"web"}]',
      '--reason',
      'team',
      '--json',
    ]);
    expect(jsonPatch.code).toBe(0);
    expect(JSON.parse(jsonPatch.out)).toMatchObject({
      version: 3,
      content: { replicas: 3, labels: { team: 'web' } },
    });

    const history = await plumb(['settings', 'history', ...scope]);
    expect(history.out.split('\n')[0]).toMatch(/^VERSION\s+CREATED\s+AUTHOR/);
    expect(history.out).toContain('scale');
    const historyJson = await plumb(['settings', 'history', ...scope, '--json', '--limit', '1', '--all']);
    expect(JSON.parse(historyJson.out).map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const diff = await plumb(['settings', 'diff', ...scope, '--from', '1', '--to', '3', '--json']);
    expect(JSON.parse(diff.out).patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/replicas', value: 3 },
        { op: 'replace', path: '/labels/team', value: 'web' },
      ]),
    );

    const rollback = await plumb([
      'settings',
      'rollback',
      ...scope,
      '--to',
      '1',
      '--reason',
      'undo',
      '--json',
    ]);
    expect(JSON.parse(rollback.out)).toMatchObject({
      version: 4,
      content: { replicas: 2, labels: { team: 'core' } },
    });

    const get = await plumb(['settings', 'get', ...scope, '--version', '2', '--json']);
    expect(JSON.parse(get.out).content.replicas).toBe(3);
  });

  it('reads content from stdin', async () => {
    const res = await plumb(
      ['settings', 'put', '--env', 'stdin', '--reason', 'pipe', '--json'],
      '{"fromStdin": true}',
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).content).toEqual({ fromStdin: true });
  });

  it('exits 3 on a stale --if-match and prints the current version', async () => {
    await plumb(['settings', 'put', '--env', 'conflict', '--reason', 'a'], '{"a":1}');
    await plumb(['settings', 'put', '--env', 'conflict', '--reason', 'b'], '{"a":2}');
    const res = await plumb(
      ['settings', 'put', '--env', 'conflict', '--reason', 'c', '--if-match', '1'],
      '{"a":3}',
    );
    expect(res.code).toBe(3);
    expect(res.err).toContain('current version: 2');
  });

  it('exits 2 on API errors and lists every violation', async () => {
    const res = await plumb(['settings', 'get', '--env', 'Bad_Name']);
    expect(res.code).toBe(2);
    expect(res.err).toContain('/path/env');
    const forbidden = await plumb(['settings', 'put', '--env', 'x', '--reason', 'r'], '{}', {
      PLUMBLINE_TOKEN: await rt.token('acme', 'v', ['viewer']),
    });
    expect(forbidden.code).toBe(2);
    expect(forbidden.err).toContain('403');
  });

  it('exits 1 on usage errors', async () => {
    expect((await plumb(['settings', 'put', '--env', 'x'], '{}')).code).toBe(1);
    expect((await plumb(['settings', 'get', '--instance', 'i'])).code).toBe(1);
    expect((await plumb(['settings', 'put', '--reason', 'r'], '[1,2]')).code).toBe(1);
    expect((await plumb(['nope'])).code).toBe(1);
  });

  it('prints help for every command', async () => {
    const help = await plumb(['settings', '--help']);
    expect(help.code).toBe(0);
    for (const sub of ['get', 'put', 'patch', 'history', 'diff', 'rollback']) expect(help.out).toContain(sub);
  });
});

describe('plumb as a program', () => {
  it('npx plumb gets a token from the runtime it talks to, which the runtime accepts, and exits with the right codes', async () => {
    // Why no PLUMBLINE_DATA_DIR: the token comes from the server, whatever the shell's data dir.
    const { PLUMBLINE_DATA_DIR: _unset, ...shell } = process.env;
    const npxEnv = { ...shell, PLUMBLINE_URL: rt.url };
    const { stdout: token } = await exec(
      'npx',
      ['plumb', 'dev', 'token', '--tenant', 'acme', '--user', 'zed', '--roles', 'viewer', '--ttl', '5m'],
      {
        env: npxEnv,
      },
    );
    expect(token.trim().split('.')).toHaveLength(3);
    const ok = await rt.call('GET', '/v1/settings/envs/staging/services/api', { token: token.trim() });
    expect(ok.status).toBe(200);
    const failed = await exec('npx', ['plumb', 'settings', 'get', '--env', 'missing-env'], {
      env: { ...npxEnv, PLUMBLINE_TOKEN: token.trim() },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain('404');
  });
});

describe('plumb dev token', () => {
  it('signs with the key of the runtime at --url, not with a data dir of the shell', async () => {
    // Prepare
    const otherDir = await mkdtemp(join(tmpdir(), 'plumb-other-'));
    // Act
    const issued = await plumb(
      [
        'dev',
        'token',
        '--tenant',
        'acme',
        '--user',
        'zoe',
        '--roles',
        'viewer',
        '--ttl',
        '5m',
        '--url',
        rt.url,
      ],
      undefined,
      { PLUMBLINE_URL: 'http://127.0.0.1:9', PLUMBLINE_DATA_DIR: otherDir },
    );
    const token = issued.out.trim();
    // Assess
    expect(issued.code).toBe(0);
    expect(await rt.tokens.verify(token)).toMatchObject({ sub: 'zoe', tenant_id: 'acme', roles: ['viewer'] });
    expect((await rt.call('GET', '/v1/settings/global', { token })).status).not.toBe(401);
    expect(existsSync(join(otherDir, 'keys'))).toBe(false);
  });

  it('fails with a clear message when no local runtime answers', async () => {
    // Prepare
    const closed = await freePort();
    // Act
    const result = await plumb(['dev', 'token', '--tenant', 'acme', '--user', 'zoe'], undefined, {
      PLUMBLINE_URL: `http://127.0.0.1:${closed}`,
    });
    // Assess
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(`No Plumbline local runtime answers at http://127.0.0.1:${closed}`);
    expect(result.err).toContain('npm start');
  });

  it('fails with a clear message when the server is not a local runtime', async () => {
    // Prepare
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Not Found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Act
    const result = await plumb(['dev', 'token', '--tenant', 'acme', '--user', 'zoe', '--url', url]);
    server.close();
    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${url} is not a Plumbline local runtime`);
  });

  it("passes on the runtime's list of bad fields, each with the value it refused", async () => {
    // Prepare
    // Act
    const result = await devToken('ac me', '--email', 'zoe-at-home');
    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/\/body\/tenantId: .* \(value: "ac me"\)/);
    expect(result.err).toMatch(/\/body\/email: an email address \(value: "zoe-at-home"\)/);
  });

  it('refuses an unknown role before asking, naming every role the server accepts', async () => {
    // Act
    const result = await devToken('acme', '--roles', 'editr,viewer,boss');
    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain("--roles: 'editr', 'boss' are not roles");
    for (const role of ROLES) expect(result.err).toContain(role);
  });

  it('refuses a --ttl over 30d with the maximum named, and --help lists every role and that maximum', async () => {
    // Act
    const tooLong = await devToken('acme', '--ttl', '90d');
    const longest = await devToken('acme', '--ttl', '30d');
    const help = await plumb(['dev', 'token', '--help']);
    // Assess
    expect(tooLong.code).toBe(1);
    expect(tooLong.err).toContain('--ttl 90d is too long: a dev token lives at most 30d');
    expect(tooLong.err).not.toContain('2592000');
    expect(longest.code, longest.err).toBe(0);
    expect(help.out).toContain('at most 30d');
    expect(help.out.replace(/\s+/g, ' ')).toContain(ROLES.join(', '));
  });
});

/** A loopback port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
