import { DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import type { DocumentStore } from '../ports/document-store.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import {
  changeRequestStoreFrom,
  type Env,
  onFirstUse,
  type TenantTable,
  tenantTableOnFirstUseFrom,
} from './aws-approval-ports.ts';
import { basePortsFrom } from './base-ports.ts';

// Why apart from aws-approval-ports.ts: every AWS root imports that module, and esbuild puts the
// modules the document store shares with its lazily loaded write side into a chunk each entry that
// reaches the store loads at cold start, used or not. Only the roots that build the store import this one.

/**
 * The ports of an HTTP context that writes tenant documents (the write path
 * with its approval step): the clock and logger, the documents and change
 * requests behind vended credentials, and the approval workflow (its
 * client loads on the first protected write). Each checks its variables on
 * first use.
 */
export function writePathPortsFrom(env: Env): PortsOf<'documents' | 'changeRequests' | 'workflows'> {
  const table = tenantTableOnFirstUseFrom(env);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    workflows: onFirstUse(async () =>
      (await import('./aws-approval-step-ports.ts')).workflowGatewayFrom(env),
    ),
  };
}

/** The versioned documents of the caller's tenant (DynamoDB). */
export function documentStoreFrom(table: TenantTable): DocumentStore {
  return new DynamoDbDocumentStore(table);
}
