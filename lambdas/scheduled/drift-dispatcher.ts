/** The drift dispatcher (EventBridge schedule, issue 14). Lambda entry point. */
import { buildAwsDriftDispatcherDeps } from '../../shared/composition/build-aws-drift-dispatcher-deps.ts';
import { dispatchScans } from '../../shared/use-cases/drift/dispatch-scans.ts';
import type { DispatcherDeps } from '../../shared/use-cases/drift/scanner-deps.ts';

let deps: DispatcherDeps | undefined;

/**
 * Lists every tenant's clusters, records a queued scan for each and sends
 * one SQS message per cluster. A failure (the listing or the queue) fails
 * the run: EventBridge retries it, then it lands in the dead-letter queue.
 */
export async function handler(): Promise<{ enqueued: number }> {
  deps ??= buildAwsDriftDispatcherDeps(process.env);
  return dispatchScans(deps);
}
