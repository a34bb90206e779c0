import { ServiceUnavailableError } from '../domain/errors.ts';
import { StaleRevisionError } from '../ports/change-request-store.ts';
import { WebhookUnavailableError } from '../ports/notifier.ts';

/** A workflow step failure with the error name the state machine's Retry/Catch match on. */
export class WorkflowTaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Renames errors for Step Functions: anything worth retrying (the store is
 * busy, a webhook is down, a concurrent writer, a chunk of code that did not
 * load) becomes `Plumbline.Transient`,
 * which the definition retries with backoff; everything else keeps its name
 * and is caught by the failure path. Messages carry no secrets.
 */
export function toTaskError(error: unknown): Error {
  if (error instanceof WorkflowTaskError) return error;
  // A chunk of the bundle that failed to load (code loaded on first use): retried like a busy store,
  // never the end of an approved change; the message names no file of the deployment.
  if ((error as { code?: string } | null)?.code === 'ERR_MODULE_NOT_FOUND') {
    return new WorkflowTaskError('Plumbline.Transient', 'a module of the function failed to load');
  }
  if (
    error instanceof ServiceUnavailableError ||
    error instanceof WebhookUnavailableError ||
    error instanceof StaleRevisionError ||
    (error as { name?: string }).name === 'TimeoutError'
  ) {
    return new WorkflowTaskError('Plumbline.Transient', (error as Error).message);
  }
  const name = (error as { name?: string }).name;
  const message = (error as { message?: string }).message ?? String(error);
  return new WorkflowTaskError(
    name && name !== 'Error' ? `Plumbline.${name}` : 'Plumbline.TaskFailed',
    message.slice(0, 500),
  );
}
