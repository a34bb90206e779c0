/**
 * Whether loopback cluster endpoints are accepted: only when the local
 * runtime runs with `PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS=1` (never set on AWS).
 */
export function loopbackClustersAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PLUMBLINE_ALLOW_LOOPBACK_CLUSTERS === '1';
}
