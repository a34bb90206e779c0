import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/cli/exit-codes.ts';
import { runCli } from '../../shared/cli/program.ts';
import {
  demoNamespace,
  type FakeApiServer,
  startFakeApiServer,
} from '../fixtures/k8s/fake-kube-apiserver.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const TOKEN = 'drift-cli-scanner-token';
let rt: TestRuntime;
let api: FakeApiServer;
let dir: string;
let tokens: Record<'admin' | 'editor' | 'viewer', string>;

async function plumb(as: keyof typeof tokens, args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: tokens[as] },
    ...(stdin === undefined ? {} : { stdin: async () => stdin }),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS = '1';
  dir = await mkdtemp(join(tmpdir(), 'plumb-drift-cli-'));
  rt = await startTestRuntime({ drift: { clusterTimeoutMs: 3000, requestTimeoutMs: 2000 } });
  api = await startFakeApiServer({ token: TOKEN });
  tokens = {
    admin: await rt.token('acme', 'ada', ['admin']),
    editor: await rt.token('acme', 'alice', ['editor']),
    viewer: await rt.token('acme', 'victor', ['viewer']),
  };
  const secret = await rt.call('PUT', '/v1/secrets/envs/dev/k8s-token', {
    token: tokens.editor,
    body: { value: TOKEN, criticality: 'critical', category: 'infrastructure', reason: 'scanner token' },
  });
  expect(secret.status).toBe(201);
  const settings = await rt.call('PUT', '/v1/settings/envs/dev/services/frontend', {
    token: tokens.editor,
    body: { content: { image: 'registry.example.com/frontend:9.9.9', replicas: 3 }, reason: 'desired' },
  });
  expect(settings.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await api?.stop();
  delete process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS;
});

describe('plumb drift-policies, plumb clusters and plumb drift against the local runtime', () => {
  it('puts a drift policy from a file, reads it back and lists its history', async () => {
    // Prepare
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ watch: { namespaces: ['shop'] }, tolerances: { default: 0.1 } }));

    // Act
    const put = await plumb('admin', ['drift-policies', 'put', 'dev', '-f', file, '--reason', 'watch shop']);
    const get = await plumb('viewer', ['drift-policies', 'get', 'dev', '--json']);
    const history = await plumb('viewer', ['drift-policies', 'history', 'dev']);

    // Assess
    expect(put.code, put.err).toBe(EXIT.ok);
    expect(put.out).toContain('created version 1');
    expect(JSON.parse(get.out).content.watch.namespaces).toEqual(['shop']);
    expect(history.out).toMatch(/VERSION\s+AUTHOR[\s\S]*1\s+ada/);
  });

  it('refuses a bad drift policy with the API exit code and every violation on stderr', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ watch: { namespaces: ['shop'] }, tolerances: { default: 11 } }));
    const put = await plumb('admin', ['drift-policies', 'put', 'dev', '-f', file, '--reason', 'bad']);
    expect(put.code).toBe(EXIT.api);
    expect(put.err).toContain('/policy/tolerances/default');
  });

  it('registers a token cluster, scans it with --wait (progress on stderr), lists and shows the report as a table, HTML and SARIF', async () => {
    // Prepare
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, api.caPem);
    const registered = await plumb('admin', [
      'clusters',
      'register',
      'shop-cluster',
      '--env',
      'dev',
      '--endpoint',
      api.endpoint,
      '--ca-file',
      ca,
      '--token-secret',
      'k8s-token',
      '--json',
    ]);
    expect(registered.code, registered.err).toBe(EXIT.ok);
    const id = JSON.parse(registered.out).id as string;

    // Act
    const scan = await plumb('editor', ['drift', 'scan', id, '--wait', '--interval', '100']);
    const list = await plumb('viewer', ['clusters', 'list']);
    const reports = await plumb('viewer', ['drift', 'reports', '--cluster', id, '--json']);
    const reportId = JSON.parse(reports.out).items[0].id as string;
    const show = await plumb('viewer', ['drift', 'show', reportId]);
    const htmlFile = join(dir, 'report.html');
    const html = await plumb('viewer', ['drift', 'show', reportId, '--html', htmlFile]);
    const sarif = await plumb('viewer', ['drift', 'show', reportId, '--sarif']);

    // Assess
    expect(scan.code, scan.err).toBe(EXIT.ok);
    expect(scan.err).toContain('succeeded');
    expect(scan.out).toContain(`plumb drift show ${reportId}`);
    expect(list.out).toMatch(new RegExp(`${id}\\s+shop-cluster\\s+dev\\s+token`));
    expect(show.out).toContain('drift score');
    expect(show.out).toMatch(/SEVERITY\s+WORKLOAD\s+RULE/);
    expect(show.out).toContain('shop/Deployment/frontend');
    expect(html.code).toBe(EXIT.ok);
    expect(await readFile(htmlFile, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(JSON.parse(sarif.out).version).toBe('2.1.0');
  });

  it('pushes observations from stdin to a push cluster and scans them', async () => {
    // Prepare
    const registered = await plumb('admin', [
      'clusters',
      'register',
      'pushed',
      '--env',
      'dev',
      '--push',
      '--json',
    ]);
    const id = JSON.parse(registered.out).id as string;
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: demoNamespace('shop') });

    // Act
    const push = await plumb('editor', ['clusters', 'push', id], list);
    const notJson = await plumb('editor', ['clusters', 'push', id], 'not json');
    const scan = await plumb('editor', ['drift', 'scan', id, '--wait', '--interval', '100', '--json']);

    // Assess
    expect(push.code, push.err).toBe(EXIT.ok);
    expect(push.out).toMatch(/pushed observations of cluster .* \(\d+ workloads\)/);
    expect(notJson.code).toBe(EXIT.usage);
    expect(JSON.parse(scan.out).state).toBe('succeeded');
  });

  it('exits with the API code for roles that may not act and for unknown clusters, and removes a cluster as admin', async () => {
    const registered = await plumb('admin', [
      'clusters',
      'register',
      'gone',
      '--env',
      'dev',
      '--push',
      '--json',
    ]);
    const id = JSON.parse(registered.out).id as string;
    expect((await plumb('viewer', ['drift', 'scan', id])).code).toBe(EXIT.api);
    expect((await plumb('editor', ['clusters', 'remove', id])).code).toBe(EXIT.api);
    expect((await plumb('admin', ['clusters', 'remove', id])).code).toBe(EXIT.ok);
    expect((await plumb('viewer', ['clusters', 'show', id])).code).toBe(EXIT.api);
    expect((await plumb('admin', ['clusters', 'register', 'x', '--env', 'dev'])).code).toBe(EXIT.usage);
  });
});
