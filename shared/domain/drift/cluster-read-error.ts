/** Why reading a cluster failed, as a scan report's `errors[].code` says it. */
export type ClusterReadErrorCode =
  | 'cluster-unauthorized'
  | 'cluster-timeout'
  | 'cluster-unreachable'
  | 'cluster-error'
  | 'observation-stale';

/**
 * A cluster could not be read. Not a request error (no HTTP status): the
 * scanner records it in the report's `errors` and the other clusters go on.
 */
export class ClusterReadError extends Error {
  constructor(
    readonly code: ClusterReadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClusterReadError';
  }
}
