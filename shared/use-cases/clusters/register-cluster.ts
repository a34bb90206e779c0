import { randomBytes } from 'node:crypto';
import { ValidationError, type Violation } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ClusterAuth, ClusterRecord } from '../../ports/cluster-store.ts';
import { isLoopbackEndpoint } from '../drift/guard-endpoint.ts';
import type { ClustersDeps } from './clusters-deps.ts';

/** Input of {@link registerCluster} (shape checked at the edge). */
export interface RegisterClusterInput {
  principal: Principal;
  name: string;
  env: string;
  endpoint?: string | undefined;
  caData?: string | undefined;
  auth: ClusterAuth;
  maxObservationAgeMinutes?: number | undefined;
  /** The local runtime with `PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS=1`. */
  allowLoopback: boolean;
}

/** Whether `caData` is PEM text or base64 of it; the PEM when it is. */
export function caPem(caData: string): string | undefined {
  const text = caData.trimStart().startsWith('-----BEGIN')
    ? caData
    : /^[A-Za-z0-9+/=\s]+$/.test(caData)
      ? Buffer.from(caData, 'base64').toString('utf8')
      : '';
  return /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(text) ? text : undefined;
}

/**
 * Registers a cluster: an `https://` endpoint (loopback ones, http or https,
 * only when `allowLoopback`), a CA as PEM or base64 of it, and how the
 * scanner authenticates (a token secret in the cluster's environment, EKS,
 * or pushed observations, which need no endpoint). Every violation is listed.
 *
 * @example await registerCluster(deps, { principal, name: 'shop-prod', env: 'prod', endpoint: 'https://k8s.example.com', auth: { type: 'token', secret: 'k8s-token' }, allowLoopback: false });
 */
export async function registerCluster(
  deps: Pick<ClustersDeps, 'clusters' | 'clock'>,
  input: RegisterClusterInput,
): Promise<ClusterRecord> {
  const violations: Violation[] = [];
  const fail = (pointer: string, rule: string, message: string) =>
    violations.push({ pointer: `/body${pointer}`, rule, message });
  if (input.auth.type !== 'push' && input.endpoint === undefined) {
    fail('/endpoint', 'required', 'an endpoint is required unless auth.type is push');
  }
  if (input.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(input.endpoint);
    } catch {
      fail('/endpoint', 'url', 'must be an absolute URL such as https://k8s.example.com');
    }
    if (url) {
      const loopback = isLoopbackEndpoint(input.endpoint);
      if (loopback && !input.allowLoopback) {
        fail(
          '/endpoint',
          'loopback',
          'loopback endpoints are accepted only by the local runtime with PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS=1',
        );
      } else if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
        fail('/endpoint', 'https', 'must be an https:// URL');
      }
      if (url.username || url.password) fail('/endpoint', 'credentials', 'must not carry credentials');
    }
  }
  if (input.caData !== undefined && caPem(input.caData) === undefined) {
    fail('/caData', 'pem', 'must be a PEM certificate or the base64 of one (certificate-authority-data)');
  }
  if (input.maxObservationAgeMinutes !== undefined && input.auth.type !== 'push') {
    fail('/maxObservationAgeMinutes', 'push-only', 'applies to push clusters only');
  }
  if (violations.length > 0) throw new ValidationError('The cluster is not valid', violations);
  const cluster: ClusterRecord = {
    id: `c-${randomBytes(6).toString('hex')}`,
    tenantId: input.principal.tenantId,
    name: input.name,
    env: input.env,
    ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint.replace(/\/$/, '') }),
    ...(input.caData === undefined ? {} : { caData: input.caData }),
    auth: input.auth,
    ...(input.auth.type === 'push' ? { maxObservationAgeMinutes: input.maxObservationAgeMinutes ?? 30 } : {}),
    createdAt: deps.clock.now().toISOString(),
    createdBy: input.principal.userId,
  };
  await deps.clusters.putCluster(cluster);
  return cluster;
}
