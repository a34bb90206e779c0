import { PowertoolsScanMetrics } from '../adapters/aws/powertools-scan-metrics.ts';
import { S3ReportStore } from '../adapters/aws/s3-report-store.ts';
import type { ClusterReader } from '../ports/cluster-reader.ts';
import { SCAN_METRICS_NAMESPACE } from '../ports/metrics.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { EksTokenSource } from '../ports/scan-metrics.ts';
import type { ScannerDeps } from '../use-cases/drift/scanner-deps.ts';
import { type Env, tenantTableOnFirstUseFrom } from './aws-approval-ports.ts';
import { documentStoreFrom } from './aws-document-ports.ts';
import { clusterStoreFrom } from './aws-drift-ports.ts';
import { basePortsFrom } from './base-ports.ts';
import { ENV } from './env-vars.ts';
import { lazyPort } from './lazy-port.ts';
import { secretPortsOnFirstUse } from './lazy-secret-ports.ts';
import { publicUrlFrom } from './public-url.ts';
import { requireEnv } from './require-env.ts';

/** Per-cluster scan timeout when `PLUMBLINE_CLUSTER_TIMEOUT_MS` is not set. */
export const DEFAULT_CLUSTER_TIMEOUT_MS = 60_000;

/**
 * The composition root of the drift scanner on AWS (issue 14): the tenant's
 * documents, secrets (cluster tokens) and drift items behind tenant-scoped
 * sessions, the reports bucket (its S3 module loaded at cold start: every
 * scan writes reports), the Kubernetes reader (loaded with the first
 * cluster API read), EKS tokens signed with the function's credentials or an
 * assumed role, drift alerts to the alerts topic and Powertools metrics. What
 * only one kind of cluster needs (the EKS signer, the secret ports of token
 * clusters, the Kubernetes reader) loads with the first cluster of that kind.
 * The scanner never connects to loopback, link-local or metadata addresses.
 *
 * @example deps ??= buildAwsDriftScannerDeps(process.env);
 */
export function buildAwsDriftScannerDeps(env: Env): ScannerDeps {
  const table = tenantTableOnFirstUseFrom(env);
  const timeout = Number(env[ENV.clusterTimeoutMs] ?? DEFAULT_CLUSTER_TIMEOUT_MS);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    // Only clusters whose token is a secret read one: the secret ports' wiring loads with the first.
    ...secretPortsOnFirstUse(env),
    clusters: clusterStoreFrom(table),
    // Every scan writes its reports (a push cluster's also reads its observation), so the S3 client's
    // module is part of the cold start, not a first-use chunk: code every invocation runs stays in init.
    reports: new S3ReportStore({ bucket: requireEnv(env, [ENV.reportsBucket])[0] as string }),
    notifier: lazyPort<Notifier>(async () => {
      const [topicArn] = requireEnv(env, [ENV.alertsTopicArn]) as [string];
      const { SnsAlertNotifier } = await import('../adapters/aws/sns-alert-notifier.ts');
      return new SnsAlertNotifier({ topicArn });
    }),
    publicUrl: publicUrlFrom(env),
    // Why here and lazily: only this bundle may carry @kubernetes/client-node, and push clusters never load it.
    clusterReader: lazyPort<ClusterReader>(async () => {
      const { KubernetesClusterReader } = await import('../adapters/k8s/kubernetes-cluster-reader.ts');
      return new KubernetesClusterReader();
    }),
    // The EKS token signer loads with the first EKS cluster scanned.
    eksTokens: lazyPort<EksTokenSource>(async () => {
      const { StsEksTokenSource } = await import('../adapters/aws/eks-token-source.ts');
      return new StsEksTokenSource(async () => ({
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      }));
    }),
    metrics: new PowertoolsScanMetrics({
      namespace: env[ENV.metricsNamespace] ?? SCAN_METRICS_NAMESPACE,
      serviceName: env[ENV.serviceName] ?? 'plumbline',
    }),
    limits: {
      clusterTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_CLUSTER_TIMEOUT_MS,
      requestTimeoutMs: 10_000,
      allowLoopback: false,
    },
  };
}
