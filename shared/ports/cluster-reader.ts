import type { ObservedState } from '../domain/drift/observed-state.ts';

/** How to reach one cluster's API server. */
export interface ClusterConnection {
  /** `https://...`; the composition root refuses link-local and metadata addresses before this. */
  endpoint: string;
  /** The CA to verify the server against: PEM text or base64 of it (a kubeconfig's `certificate-authority-data`). */
  caData?: string;
  /** The name to verify the certificate against when `endpoint` names a checked IP address (SNI). */
  tlsServerName?: string;
  /** A fresh bearer token per read: a secret's value, or an EKS token (`k8s-aws-v1.…`). */
  bearerToken: () => Promise<string>;
}

/** What to read and how long to wait. */
export interface ClusterReadOptions {
  namespaces: readonly string[];
  /** Passed to the API server as `labelSelector`. */
  labelSelector?: string;
  /** Objects per page (`limit`); the reader follows `continue`. Default 500. */
  pageSize?: number;
  /** Abort one request after this long. Default 10 s. */
  requestTimeoutMs?: number;
  /** Abort the whole read after this long. Default 60 s. */
  clusterTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Reads the Deployments, StatefulSets and autoscaling/v2
 * HorizontalPodAutoscalers of a cluster's watched namespaces. Fails with a
 * `ClusterReadError` (`cluster-unauthorized`, `cluster-timeout`,
 * `cluster-unreachable`, `cluster-error`); never with an SDK type.
 */
export interface ClusterReader {
  read(connection: ClusterConnection, options: ClusterReadOptions): Promise<ObservedState>;
}
