import type { EksSigningCredentials } from '../adapters/aws/eks-token.ts';
import { StsEksTokenSource } from '../adapters/aws/eks-token-source.ts';
import { LocalScanQueue } from '../adapters/local/local-scan-queue.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import type { ClusterReader } from '../ports/cluster-reader.ts';
import type { ScanMetrics } from '../ports/scan-metrics.ts';
import { dispatchScans } from '../use-cases/drift/dispatch-scans.ts';
import type { HostResolver } from '../use-cases/drift/guard-endpoint.ts';
import { scanCluster } from '../use-cases/drift/scan-cluster.ts';
import type { ScannerDeps } from '../use-cases/drift/scanner-deps.ts';
import type { LocalDeps } from './build-local-deps.ts';

/** Scans run at once by the local queue. */
export const LOCAL_SCAN_CONCURRENCY = 4;

/**
 * Parses `PLUMBLINE_SCAN_INTERVAL` (`15m`, `30s`, `1h`, `0` = off) into
 * milliseconds; `undefined` for anything else.
 *
 * @example parseScanInterval('15m') // 900000
 */
export function parseScanInterval(text: string): number | undefined {
  const match = /^(\d{1,6})(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'm'] as number;
  return Number(match[1]) * unit;
}

/** Options of {@link startLocalDriftScanner}. */
export interface LocalDriftOptions {
  deps: LocalDeps;
  queue: LocalScanQueue;
  /** Milliseconds between dispatcher runs; 0 or absent: no timer (on-demand scans still run). */
  intervalMs?: number;
  allowLoopback: boolean;
  /** Credentials EKS tokens are signed with (default: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`). */
  eksCredentials?: () => Promise<EksSigningCredentials>;
  clusterTimeoutMs?: number;
  requestTimeoutMs?: number;
  resolve?: HostResolver;
}

/** The running local scanner. */
export interface LocalDriftScanner {
  /** Runs the dispatcher once (what the timer does). */
  dispatch(): Promise<{ enqueued: number }>;
  /** Resolves when no scan is queued or running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Scan metrics locally: one log line per scan. */
function logMetrics(logger: AppLogger): ScanMetrics {
  return { record: (m) => logger.info('drift scan metrics', { ...m }) };
}

/**
 * The local twin of the schedule: the same dispatcher and scanner handlers
 * as on AWS, the dispatcher on a timer and the scanner behind an
 * in-process queue with bounded concurrency. The Kubernetes client loads
 * with the first scan of a cluster API.
 *
 * @example const drift = startLocalDriftScanner({ deps, queue, intervalMs: 900_000, allowLoopback: false });
 */
export function startLocalDriftScanner(options: LocalDriftOptions): LocalDriftScanner {
  const { deps, queue } = options;
  let reader: Promise<ClusterReader> | undefined;
  const clusterReader: ClusterReader = {
    read: async (connection, readOptions) => {
      reader ??= import('../adapters/k8s/kubernetes-cluster-reader.ts').then(
        (m) => new m.KubernetesClusterReader(),
      );
      return (await reader).read(connection, readOptions);
    },
  };
  const scanner: ScannerDeps = {
    ...deps,
    clusterReader,
    eksTokens: new StsEksTokenSource(
      options.eksCredentials ??
        (async () => ({
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
          ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
        })),
    ),
    metrics: logMetrics(deps.logger),
    limits: {
      clusterTimeoutMs: options.clusterTimeoutMs ?? 60_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      allowLoopback: options.allowLoopback,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    },
  };
  queue.attach((message) => scanCluster(scanner, message));
  const dispatch = () => dispatchScans({ ...deps, scanQueue: queue });
  const timer =
    options.intervalMs && options.intervalMs > 0
      ? setInterval(() => {
          dispatch().catch((error: unknown) =>
            deps.logger.error('drift dispatch failed', { error: (error as Error).message }),
          );
        }, options.intervalMs)
      : undefined;
  timer?.unref();
  return {
    dispatch,
    idle: () => queue.idle(),
    stop: async () => {
      if (timer) clearInterval(timer);
      await queue.close();
    },
  };
}

export { LocalScanQueue };
