import type { TENANT_ITEM_ACTIONS } from '../../shared/domain/tenant-session-policy.ts';
import type { RouteContext } from '../../shared/http/route.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { grantDriftReports } from '../drift/grant-drift-reports.ts';
import { grantServiceAccountClients } from '../service-accounts/grant-service-account-clients.ts';
import type { HouseFunction } from '../shared/house-function.ts';

/** One item-level DynamoDB action a tenant session may be granted. */
export type TenantItemAction = (typeof TENANT_ITEM_ACTIONS)[number];

/**
 * Item actions every reader of versioned documents needs (issue 11): Query
 * (the projection of latest contents, the change log, latest version,
 * history, listings), GetItem (one version) and BatchGetItem (a process's
 * copy of the projection confirms other processes' changes against their
 * version items). Without one of them a read fails; the repairs a reader
 * also tries (UpdateItem, DeleteItem) are best effort.
 */
export const DOCUMENT_READER_ACTIONS: readonly TenantItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
];

/**
 * Item actions of a function that writes versioned documents: the reader's
 * ({@link DOCUMENT_READER_ACTIONS}), PutItem (the conditional append,
 * catalog items), UpdateItem (announcements, the projection, the change
 * log) and DeleteItem (a projection item whose version was never written),
 * issue 11.
 */
export const DOCUMENT_WRITER_ACTIONS: readonly TenantItemAction[] = [
  ...DOCUMENT_READER_ACTIONS,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/** How one bounded context's Lambda function is sized and what it may touch. */
export interface ContextFunctionSpec {
  description: string;
  memorySize: number;
  timeoutSeconds: number;
  /**
   * DynamoDB item actions its tenant-scoped sessions may use, on the keys of
   * the caller's tenant only. Empty: the context gets no tenant-access role
   * and cannot reach the table at all.
   */
  tenantItemActions: readonly TenantItemAction[];
  /**
   * The context handles secrets (issue 13): its tenant-access role also gets
   * the session tenant's secrets and the secrets key under that tenant's
   * encryption context, and the function the key's ARN.
   */
  secrets?: boolean;
  /** Grants on shared, non-tenant resources to the function's own role (explicit actions, no wildcards). */
  grant?: (fn: HouseFunction, data: StatefulStack) => void;
}

/**
 * What each bounded context's function needs, and nothing more. Typed by
 * `RouteContext`, so a new context in `shared/http/route.ts` does not
 * compile until it is given an entry here. A function is created only for
 * contexts that have routes in the route table.
 */
export const CONTEXT_FUNCTIONS: Record<RouteContext, ContextFunctionSpec> = {
  system: {
    description: 'Plumbline public system routes (health, OpenAPI)',
    memorySize: 256,
    timeoutSeconds: 5,
    tenantItemActions: [],
  },
  settings: {
    description: 'Plumbline settings routes',
    memorySize: 512,
    timeoutSeconds: 10,
    tenantItemActions: DOCUMENT_WRITER_ACTIONS,
    // Effective settings resolve secret references (`?resolveSecrets=true`) and check they exist.
    secrets: true,
  },
  approvals: {
    // A first cut: the approvals work (issue 5) owns this entry and adds its state machine, secrets and keys.
    description: 'Plumbline approval routes (environments, change requests, approval page)',
    memorySize: 512,
    timeoutSeconds: 10,
    // No notifier: the approvals routes send nothing (the NotifyRequester task does), so no topic and no sns:Publish.
    // Environment configurations are versioned documents.
    tenantItemActions: DOCUMENT_WRITER_ACTIONS,
  },
  clusters: {
    description: 'Plumbline clusters and drift report routes (issue 14)',
    memorySize: 512,
    timeoutSeconds: 15,
    // Clusters, scans and reports (DeleteItem: removal), and drift policies: versioned documents.
    tenantItemActions: DOCUMENT_WRITER_ACTIONS,
    // Report files read, pushed observations written; sending scans is granted by DriftScanning (it owns the queue).
    grant: (fn, data) => grantDriftReports(fn, data, 'read-reports'),
  },
  secrets: {
    description: 'Plumbline secrets routes (envelope-encrypted values in Secrets Manager, issue 13)',
    memorySize: 512,
    timeoutSeconds: 10,
    // Query: listings and versions; GetItem: heads and envelopes' version ids; PutItem: conditional heads, audit;
    // the document reader's actions: the delete check reads the tenant's settings (issue 11).
    tenantItemActions: [...DOCUMENT_READER_ACTIONS, 'dynamodb:PutItem'],
    secrets: true,
  },
  'service-accounts': {
    description:
      'Plumbline service-accounts routes (Cognito app clients with the client-credentials grant, issue 15)',
    memorySize: 256,
    timeoutSeconds: 10,
    // Query: listings; GetItem: one account; PutItem: creation; UpdateItem: rotatedAt; DeleteItem: deletion.
    tenantItemActions: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    grant: grantServiceAccountClients,
  },
};
