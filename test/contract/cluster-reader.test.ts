import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eksToken } from '../../shared/adapters/aws/eks-token.ts';
import { KubernetesClusterReader } from '../../shared/adapters/k8s/kubernetes-cluster-reader.ts';
import { ClusterReadError } from '../../shared/domain/drift/cluster-read-error.ts';
import type { ClusterReader } from '../../shared/ports/cluster-reader.ts';
import { DEMO_DEPLOYMENTS, DEMO_IMAGE_PREFIX } from '../fixtures/k8s/demo-objects.ts';
import {
  bulkNamespace,
  demoNamespace,
  type FakeApiServer,
  startFakeApiServer,
} from '../fixtures/k8s/fake-kube-apiserver.ts';

const TOKEN = 'plumbline-scanner-token';
const EKS = {
  clusterName: 'shop-prod',
  region: 'eu-west-1',
  accessKeyId: 'AKIAPLUMBLINETEST01',
  secretAccessKey: 'test/secret/key/for/the/fixture/only',
};
const OTHER_CA = readFileSync(join(import.meta.dirname, '../fixtures/k8s/tls/other-ca.pem'), 'utf8');

async function readError(promise: Promise<unknown>): Promise<ClusterReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClusterReadError);
  return error as ClusterReadError;
}

/** The port's contract, run against every adapter of it. */
const adapters: [string, () => ClusterReader][] = [
  ['KubernetesClusterReader', () => new KubernetesClusterReader()],
];

describe.each(adapters)('ClusterReader contract: %s', (_name, makeReader) => {
  let api: FakeApiServer;
  const reader = makeReader();
  const connection = (token = TOKEN, caData?: string) => ({
    endpoint: api.endpoint,
    caData: caData ?? api.caPem,
    bearerToken: async () => token,
  });

  beforeAll(async () => {
    api = await startFakeApiServer({
      token: TOKEN,
      eks: EKS,
      namespaces: {
        shop: demoNamespace('shop'),
        bulk: bulkNamespace('bulk', 3000),
        broken: demoNamespace('broken'),
        stuck: demoNamespace('stuck'),
      },
      failing: ['broken'],
      hanging: ['stuck'],
    });
  });
  afterAll(() => api.stop());

  it('reads the Deployments and autoscaling/v2 HPAs of a watched namespace with the label selector', async () => {
    // Act
    const state = await reader.read(connection(), {
      namespaces: ['shop'],
      labelSelector: 'drift-monitoring=enabled',
    });
    // Assess
    expect(state.workloads.map((w) => w.name).sort()).toEqual([...DEMO_DEPLOYMENTS].sort());
    const frontend = state.workloads.find((w) => w.name === 'frontend');
    expect(frontend).toMatchObject({
      namespace: 'shop',
      kind: 'Deployment',
      replicas: 3,
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1000 },
      containers: [
        {
          name: 'server',
          image: `${DEMO_IMAGE_PREFIX}frontend:v0.10.3`,
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, privileged: false },
        },
      ],
    });
    expect(frontend?.resourceVersion).toMatch(/^\d+$/);
    expect(state.hpas).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'frontend',
          target: { kind: 'Deployment', name: 'frontend' },
          minReplicas: 2,
          maxReplicas: 10,
          targetAverageUtilization: 75,
          scaleUpTolerance: 0.1,
          scaleDownTolerance: 0.1,
          currentReplicas: 3,
        }),
      ]),
    );
  });

  it('sends the label selector to the API server, which filters', async () => {
    // Act
    const state = await reader.read(connection(), { namespaces: ['shop'], labelSelector: 'app=frontend' });
    // Assess
    expect(state.workloads.map((w) => w.name)).toEqual(['frontend']);
  });

  it('follows limit/continue pages and reads a namespace with thousands of workloads', async () => {
    // Prepare
    const before = api.requests.length;
    // Act
    const state = await reader.read(connection(), { namespaces: ['bulk'], pageSize: 250 });
    // Assess
    expect(state.workloads).toHaveLength(3000);
    expect(state.workloads.filter((w) => w.kind === 'StatefulSet')).toHaveLength(300);
    expect(new Set(state.workloads.map((w) => `${w.kind}/${w.name}`)).size).toBe(3000);
    const pages = api.requests.slice(before).filter((r) => r.path.includes('/deployments'));
    expect(pages).toHaveLength(11);
    expect(pages.slice(1).every((r) => r.path.includes('continue='))).toBe(true);
  });

  it('fails with cluster-unauthorized when the API server answers 401', async () => {
    const error = await readError(reader.read(connection('wrong-token'), { namespaces: ['shop'] }));
    expect(error.code).toBe('cluster-unauthorized');
  });

  it('fails with cluster-error when the API server answers 500', async () => {
    const error = await readError(reader.read(connection(), { namespaces: ['broken'] }));
    expect(error.code).toBe('cluster-error');
  });

  it('fails with cluster-timeout when a request hangs past its timeout', async () => {
    const error = await readError(
      reader.read(connection(), { namespaces: ['stuck'], requestTimeoutMs: 300 }),
    );
    expect(error.code).toBe('cluster-timeout');
    expect(error.message).toBe('an API request timed out');
  });

  it('fails with cluster-timeout when the whole read passes the cluster timeout', async () => {
    const error = await readError(
      reader.read(connection(), { namespaces: ['stuck'], requestTimeoutMs: 30_000, clusterTimeoutMs: 300 }),
    );
    expect(error.code).toBe('cluster-timeout');
    expect(error.message).toContain('within 300 ms');
  });

  it('verifies TLS against caData given as PEM or base64, and refuses a server another CA signed', async () => {
    // Act
    const asBase64 = await reader.read(connection(TOKEN, Buffer.from(api.caPem).toString('base64')), {
      namespaces: ['shop'],
    });
    const error = await readError(reader.read(connection(TOKEN, OTHER_CA), { namespaces: ['shop'] }));
    // Assess
    expect(asBase64.workloads.length).toBe(DEMO_DEPLOYMENTS.length);
    expect(error.code).toBe('cluster-unreachable');
  });

  it('authenticates with an EKS token the fixture verifies as aws-iam-authenticator and STS do', async () => {
    // Prepare
    const credentials = { accessKeyId: EKS.accessKeyId, secretAccessKey: EKS.secretAccessKey };
    const token = () => eksToken({ clusterName: EKS.clusterName, region: EKS.region, credentials });
    // Act
    const state = await reader.read({ ...connection(), bearerToken: token }, { namespaces: ['shop'] });
    // Assess
    expect(state.workloads.length).toBe(DEMO_DEPLOYMENTS.length);
  });

  it('refuses EKS tokens that expired, name another cluster or were signed with another secret', async () => {
    // Prepare
    const credentials = { accessKeyId: EKS.accessKeyId, secretAccessKey: EKS.secretAccessKey };
    const bad = [
      () => eksToken({ ...EKS, credentials, now: new Date(Date.now() - 61_000) }),
      () => eksToken({ ...EKS, clusterName: 'other-cluster', credentials }),
      () => eksToken({ ...EKS, credentials: { ...credentials, secretAccessKey: 'not-the-secret' } }),
    ];
    // Act
    const codes = await Promise.all(
      bad.map(async (bearerToken) => {
        const error = await readError(
          reader.read({ ...connection(), bearerToken }, { namespaces: ['shop'] }),
        );
        return error.code;
      }),
    );
    // Assess
    expect(codes).toEqual(['cluster-unauthorized', 'cluster-unauthorized', 'cluster-unauthorized']);
  });
});
