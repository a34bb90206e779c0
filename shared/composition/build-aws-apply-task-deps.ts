/**
 * The composition root of the approval workflow's Apply task on AWS, apart
 * from the other tasks' roots (build-aws-workflow-task-deps.ts): it alone
 * builds the document store, and a task that never writes documents must
 * not reach the store's module (its write side's shared chunk would load
 * at that task's cold start).
 */
// Apply writes a document on every invocation: the store's write side (a first-use chunk in the
// functions that only sometimes write) is part of this task's cold start. Code every invocation
// runs stays in init; the store's own dynamic import then finds the module already loaded.
import '../adapters/aws/document-writes.ts';
import type { ApprovalTaskDeps } from '../workflows/workflow-task-ports.ts';
import { type Env, tenantTableFrom } from './aws-approval-ports.ts';
import { documentStoreFrom } from './aws-document-ports.ts';
import { basePortsFrom as basePorts } from './base-ports.ts';
import { changeRequestStoreFrom } from './build-aws-workflow-task-deps.ts';
import { secretPortsOnFirstUse } from './lazy-secret-ports.ts';
import { requireEnv } from './require-env.ts';
import { PORT_ENV } from './workflow-task-env.ts';

/** Task `Apply`: writes the approved version, marks the request. */
export function buildApplyTaskDeps(env: Env): ApprovalTaskDeps<'Apply'> {
  // The secret ports read their variables on first use; Apply refuses at build, as for its other
  // ports, so a function without the secrets key fails at cold start, not after an approval. Their
  // wiring loads with the first request that reads a secret (a secret change, a secret reference).
  requireEnv(env, PORT_ENV.secrets);
  const table = tenantTableFrom(env);
  return {
    ...basePorts(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    secrets: secretPortsOnFirstUse(env).secrets,
  };
}
