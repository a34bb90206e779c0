import * as v from 'valibot';
import { CHANGE_REQUEST_ID_PATTERN } from '../domain/approvals/change-request.ts';
import { TENANT_ID_PATTERN } from '../http/auth-context.ts';
import { WorkflowTaskError } from './task-errors.ts';

/** The ids every approval workflow task receives. */
export const WorkflowIdsSchema = v.object({
  tenantId: v.pipe(v.string(), v.regex(TENANT_ID_PATTERN)),
  requestId: v.pipe(v.string(), v.regex(CHANGE_REQUEST_ID_PATTERN)),
});

/** The AwaitDecision task's payload: the ids plus its task token and execution id. */
export const AwaitDecisionInputSchema = v.object({
  ...WorkflowIdsSchema.entries,
  taskToken: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  executionId: v.optional(v.string()),
});

/** The MarkFailed task's payload: the ids plus the caught error. */
export const MarkFailedInputSchema = v.object({
  ...WorkflowIdsSchema.entries,
  error: v.optional(v.object({ Error: v.optional(v.unknown()), Cause: v.optional(v.unknown()) })),
});

/** Validates a task's input at the edge; bad input is a non-retryable `Plumbline.InvalidInput` (never echoing the token). */
export function parseTaskInput<S extends v.GenericSchema>(schema: S, event: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, event);
  if (!result.success) {
    const where = result.issues.map((i) => (i.path ?? []).map((p) => String(p.key)).join('.')).join(', ');
    throw new WorkflowTaskError('Plumbline.InvalidInput', `invalid task input at ${where || 'the root'}`);
  }
  return result.output;
}
