import type { Port, PortsOf } from '../use-cases/deps.ts';
import type { RouteContext } from './route.ts';

/**
 * The one declaration of the ports each bounded context's routes use,
 * besides the clock and the logger. Route handlers are typed by it
 * ({@link ContextDeps}), each context's composition root builds exactly
 * these ports (`shared/composition/build-aws-<context>-deps.ts`), and the
 * local runtime's root builds the union. A port a handler needs but the list
 * lacks does not compile; a new context does not compile until it is listed.
 */
export const CONTEXT_PORTS = {
  // `publicUrl` names the API in the OpenAPI document's `servers`.
  system: ['publicUrl'],
  // The write path gates protected environments: it stores change requests and starts their workflow.
  // Effective settings show secret versions, resolve values (`?resolveSecrets=true`, audited) and
  // writes check that referenced secrets exist (issue 13).
  settings: ['documents', 'changeRequests', 'workflows', 'secrets', 'keys', 'audit'],
  // Decisions signal the workflow (the token is decrypted first); the approval page verifies and re-signs links.
  approvals: ['documents', 'changeRequests', 'workflows', 'tokenCipher', 'linkSigner', 'publicUrl'],
  // Secrets (issue 13): envelopes and metadata, data keys, the audit trail; protected writes open change requests.
  secrets: ['documents', 'changeRequests', 'workflows', 'secrets', 'keys', 'audit'],
  // Clusters and drift reports (issue 14): cluster, scan and report items, report files, the scan queue.
  clusters: ['clusters', 'reports', 'scanQueue'],
  // Service accounts (issue 15): Cognito app clients on AWS, the embedded token authority locally.
  'service-accounts': ['serviceAccounts'],
} as const satisfies Record<RouteContext, readonly Port[]>;

/** The ports of context `C`: its declared ones plus the clock and the logger. */
export type ContextDeps<C extends RouteContext> = PortsOf<(typeof CONTEXT_PORTS)[C][number]>;
