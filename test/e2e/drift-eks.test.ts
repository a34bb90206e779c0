import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from '../fixtures/k8s/fake-kube-apiserver.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

/**
 * Fake static credentials: the local runtime signs EKS tokens with
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` from its environment (as
 * `npm start` would), and the fixture plays STS knowing the same secret.
 */
const CREDENTIALS = {
  accessKeyId: 'AKIAPLUMBLINEE2E0001',
  secretAccessKey: 'fake/e2e/secret/for/the/eks/fixture',
};
const SAVED = {
  key: process.env.AWS_ACCESS_KEY_ID,
  secret: process.env.AWS_SECRET_ACCESS_KEY,
  session: process.env.AWS_SESSION_TOKEN,
};
let rt: TestRuntime;
let api: FakeApiServer;
let admin: string;
let editor: string;

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function registerEks(name: string, clusterName: string): Promise<string> {
  const res = await rt.call('POST', '/v1/clusters', {
    token: admin,
    body: {
      name,
      env: 'dev',
      endpoint: api.endpoint,
      caData: api.caPem,
      auth: { type: 'eks', clusterName, region: 'eu-west-1' },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Starts a scan of `clusterId`, waits for the queue and returns the scan and its report. */
async function scan(clusterId: string) {
  const started = await rt.call('POST', `/v1/clusters/${clusterId}/scans`, { token: editor });
  expect(started.status).toBe(202);
  await rt.drift.idle();
  const state = await rt.call('GET', started.headers.get('location') as string, { token: editor });
  const report = await rt.call('GET', `/v1/drift/reports/${state.body.reportId}`, { token: editor });
  return { state: state.body, report: report.body };
}

beforeAll(async () => {
  process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS = '1';
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  api = await startFakeApiServer({ eks: { clusterName: 'shop-prod', region: 'eu-west-1', ...CREDENTIALS } });
  rt = await startTestRuntime({ drift: { clusterTimeoutMs: 5000, requestTimeoutMs: 3000 } });
  admin = await rt.token('acme', 'ada', ['admin']);
  editor = await rt.token('acme', 'alice', ['editor']);
  const policy = await rt.call('PUT', '/v1/drift-policies/envs/dev', {
    token: admin,
    body: { policy: { watch: { namespaces: ['shop'] } }, reason: 'watch shop' },
  });
  expect(policy.status).toBe(201);
  const settings = await rt.call('PUT', '/v1/settings/envs/dev/services/frontend', {
    token: editor,
    body: { content: { image: 'registry.example.com/frontend:9.9.9' }, reason: 'desired' },
  });
  expect(settings.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await api?.stop();
  delete process.env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS;
  restore('AWS_ACCESS_KEY_ID', SAVED.key);
  restore('AWS_SECRET_ACCESS_KEY', SAVED.secret);
  restore('AWS_SESSION_TOKEN', SAVED.session);
});

describe('an EKS cluster scanned through the local runtime', () => {
  it('signs an EKS token the API server accepts and reports the drift of the cluster', async () => {
    // Prepare
    const id = await registerEks('shop-eks', 'shop-prod');
    const before = api.requests.length;

    // Act
    const { state, report } = await scan(id);

    // Assess
    expect(state.state).toBe('succeeded');
    expect(report.errors).toEqual([]);
    expect(report.workloads).toBeGreaterThan(5);
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'image-drift',
          service: 'frontend',
          expected: 'registry.example.com/frontend:9.9.9',
        }),
      ]),
    );
    const calls = api.requests.slice(before);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => c.status === 200)).toBe(true);
  });

  it('fails the scan as cluster-unauthorized when the token is signed for another cluster name', async () => {
    // Prepare
    const id = await registerEks('wrong-name', 'billing-prod');
    const before = api.requests.length;

    // Act
    const { state, report } = await scan(id);

    // Assess
    expect(state.state).toBe('failed');
    expect(report.errors.map((e: { code: string }) => e.code)).toEqual(['cluster-unauthorized']);
    expect(report.findings).toEqual([]);
    expect(api.requests.slice(before).map((c) => c.status)).toContain(401);
  });
});
