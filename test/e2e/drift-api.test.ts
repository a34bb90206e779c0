import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CSP } from '../../shared/domain/drift/report-html.ts';
import {
  demoNamespace,
  type FakeApiServer,
  startFakeApiServer,
} from '../fixtures/k8s/fake-kube-apiserver.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const TOKEN = 'drift-e2e-scanner-token';
let rt: TestRuntime;
let admin: string;
let editor: string;
let viewer: string;
let otherTenant: string;
const apis: FakeApiServer[] = [];
const clusters: Record<string, string> = {};
const observationList = (items = demoNamespace('shop')) => ({ apiVersion: 'v1', kind: 'List', items });

async function register(name: string, extra: Record<string, unknown>) {
  const res = await rt.call('POST', '/v1/clusters', { token: admin, body: { name, env: 'dev', ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS = '1';
  rt = await startTestRuntime({ drift: { clusterTimeoutMs: 3000, requestTimeoutMs: 2000 } });
  admin = await rt.token('acme', 'ada', ['admin']);
  editor = await rt.token('acme', 'alice', ['editor']);
  viewer = await rt.token('acme', 'victor', ['viewer']);
  otherTenant = await rt.token('globex', 'mallory', ['admin', 'editor']);
  const [ok, broken, hanging] = await Promise.all([
    startFakeApiServer({ token: TOKEN }),
    startFakeApiServer({ token: TOKEN, failing: ['shop'] }),
    startFakeApiServer({ token: TOKEN, hanging: ['shop'] }),
  ]);
  apis.push(ok, broken, hanging);
  expect(
    (
      await rt.call('PUT', '/v1/drift-policies/envs/dev', {
        token: admin,
        body: {
          policy: { watch: { namespaces: ['shop'] }, tolerances: { default: 0.1 } },
          reason: 'watch shop',
        },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await rt.call('PUT', '/v1/settings/envs/dev/services/frontend', {
        token: editor,
        body: { content: { image: 'registry.example.com/frontend:9.9.9', replicas: 3 }, reason: 'desired' },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await rt.call('PUT', '/v1/secrets/envs/dev/k8s-token', {
        token: editor,
        body: { value: TOKEN, criticality: 'critical', category: 'infrastructure', reason: 'scanner token' },
      })
    ).status,
  ).toBe(201);
  const tokenAuth = (api: FakeApiServer) => ({
    endpoint: api.endpoint,
    caData: Buffer.from(api.caPem).toString('base64'),
    auth: { type: 'token', secret: 'k8s-token' },
  });
  clusters.ok = await register('ok', tokenAuth(ok));
  clusters.broken = await register('broken', tokenAuth(broken));
  clusters.hanging = await register('hanging', tokenAuth(hanging));
  clusters.push = await register('pushed', { auth: { type: 'push' } });
  clusters.stale = await register('never-pushed', { auth: { type: 'push' }, maxObservationAgeMinutes: 5 });
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await Promise.all(apis.map((api) => api.stop()));
  delete process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS;
});

describe('drift through the local runtime and the Kubernetes API fixture', () => {
  it('refuses bad observation bodies with 400 (malformed List, wrong kinds, 6 MiB) and stores nothing', async () => {
    // Act
    const malformed = await rt.call('POST', `/v1/clusters/${clusters.push}/observations`, {
      token: editor,
      rawBody: '{"apiVersion":"v1","kind":"List","items":[',
      headers: { 'content-type': 'application/json' },
    });
    const wrongKind = await rt.call('POST', `/v1/clusters/${clusters.push}/observations`, {
      token: editor,
      body: observationList([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'shop' } },
      ]),
    });
    const huge = await rt.call('POST', `/v1/clusters/${clusters.push}/observations`, {
      token: editor,
      body: { ...observationList(), padding: 'x'.repeat(6 * 1024 * 1024) },
    });
    const shown = await rt.call('GET', `/v1/clusters/${clusters.push}`, { token: viewer });

    // Assess
    expect([malformed.status, wrongKind.status, huge.status]).toEqual([400, 400, 400]);
    expect(JSON.stringify(wrongKind.body.errors)).toContain('observation.kind');
    expect(JSON.stringify(huge.body.errors)).toContain('observation.size');
    expect(shown.body.observedAt).toBeUndefined();
  });

  it('accepts a pushed kubectl List (202) from an editor, not from a viewer', async () => {
    // Act
    const denied = await rt.call('POST', `/v1/clusters/${clusters.push}/observations`, {
      token: viewer,
      body: observationList(),
    });
    const pushed = await rt.call('POST', `/v1/clusters/${clusters.push}/observations`, {
      token: editor,
      body: observationList(),
    });

    // Assess
    expect(denied.status).toBe(403);
    expect(pushed.status).toBe(202);
    expect(pushed.body.workloads).toBeGreaterThan(5);
  });

  it('scans every cluster on the timer path: one failing and one hanging cluster do not stop the others', async () => {
    // Act
    const { enqueued } = await rt.drift.dispatch();
    await rt.drift.idle();
    const listed = await rt.call('GET', '/v1/drift/reports?env=dev', { token: viewer });

    // Assess
    expect(enqueued).toBe(5);
    const byCluster = new Map(listed.body.items.map((r: { cluster: string }) => [r.cluster, r]));
    expect(byCluster.size).toBe(5);
    const report = async (cluster: string) => {
      const id = (byCluster.get(cluster) as { id: string }).id;
      return (await rt.call('GET', `/v1/drift/reports/${id}`, { token: viewer })).body;
    };
    const ok = await report(clusters.ok as string);
    expect(ok.errors).toEqual([]);
    expect(ok.findings.some((f: { rule: string }) => f.rule === 'image-drift')).toBe(true);
    expect((await report(clusters.broken as string)).errors[0].code).toBe('cluster-error');
    expect((await report(clusters.hanging as string)).errors[0].code).toBe('cluster-timeout');
    const pushed = await report(clusters.push as string);
    expect(pushed.errors).toEqual([]);
    expect(pushed.workloads).toBeGreaterThan(5);
    expect((await report(clusters.stale as string)).errors[0].code).toBe('observation-stale');
  });

  it('scans on demand: 202 with Location, the scan succeeds and its report reads as HTML (CSP header) and SARIF', async () => {
    // Act
    const started = await rt.call('POST', `/v1/clusters/${clusters.ok}/scans`, { token: editor });
    await rt.drift.idle();
    const scan = await rt.call('GET', started.headers.get('location') as string, { token: viewer });
    const html = await rt.call('GET', `/v1/drift/reports/${scan.body.reportId}`, {
      token: viewer,
      headers: { accept: 'text/html' },
    });
    const sarif = await rt.call('GET', `/v1/drift/reports/${scan.body.reportId}?format=sarif`, {
      token: viewer,
    });

    // Assess
    expect(started.status).toBe(202);
    expect(started.body.scanId).toMatch(/^s/);
    expect(scan.body.state).toBe('succeeded');
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toBe(REPORT_CSP);
    expect(html.text).toContain('image-drift');
    expect(sarif.body.version).toBe('2.1.0');
  });

  it('sends high findings to the outbox with a link to the HTML report', async () => {
    // Act
    const files = (await readdir(rt.outboxDir)).filter((f) => f.includes('drift-alert'));
    const alerts = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(rt.outboxDir, f), 'utf8'))),
    );

    // Assess
    const ok = alerts.find((a) => a.subject.includes(' ok '));
    expect(ok).toBeDefined();
    expect(ok.text).toContain('Fix:');
    expect(ok.text).toMatch(/\/v1\/drift\/reports\/s[0-9a-z]+\?format=html/);
  });

  it("answers 404 for another tenant's clusters, scans and reports", async () => {
    // Prepare
    const listed = await rt.call('GET', '/v1/drift/reports', { token: viewer });
    const id = listed.body.items[0].id;

    // Act
    const cluster = await rt.call('GET', `/v1/clusters/${clusters.ok}`, { token: otherTenant });
    const scan = await rt.call('POST', `/v1/clusters/${clusters.ok}/scans`, { token: otherTenant });
    const report = await rt.call('GET', `/v1/drift/reports/${id}`, { token: otherTenant });
    const theirs = await rt.call('GET', '/v1/drift/reports', { token: otherTenant });

    // Assess
    expect([cluster.status, scan.status, report.status]).toEqual([404, 404, 404]);
    expect(theirs.body.items).toEqual([]);
  });

  it('refuses http and loopback endpoints without the local flag, and bad CA data', async () => {
    // Prepare
    delete process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS;

    // Act
    const loopback = await rt.call('POST', '/v1/clusters', {
      token: admin,
      body: {
        name: 'lo',
        env: 'dev',
        endpoint: 'https://127.0.0.1:6443',
        auth: { type: 'token', secret: 'k8s-token' },
      },
    });
    const plain = await rt.call('POST', '/v1/clusters', {
      token: admin,
      body: {
        name: 'plain',
        env: 'dev',
        endpoint: 'http://k8s.example.com',
        caData: 'not a cert',
        auth: { type: 'token', secret: 'k8s-token' },
      },
    });
    const byEditor = await rt.call('POST', '/v1/clusters', {
      token: editor,
      body: { name: 'x', env: 'dev', auth: { type: 'push' } },
    });
    process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS = '1';

    // Assess
    expect(loopback.status).toBe(400);
    expect(loopback.body.errors[0].rule).toBe('loopback');
    expect(plain.status).toBe(400);
    expect(plain.body.errors.map((e: { rule: string }) => e.rule).sort()).toEqual(['https', 'pem']);
    expect(byEditor.status).toBe(403);
  });
});
