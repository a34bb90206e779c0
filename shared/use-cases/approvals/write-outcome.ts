import type { ChangeRequestView } from '../../domain/approvals/change-request.ts';

/** The write was stored: `record` is what was written (or, for an unchanged no-op, what is there). */
export interface Written<T> {
  kind: 'written';
  record: T;
}

/**
 * Not a failure: the write touches a protected environment, so a change
 * request holding it was stored instead and nothing was written. The HTTP
 * layer answers it with 202 and `Location: /v1/change-requests/{id}`.
 */
export interface ChangeRequestOpened {
  kind: 'change-request';
  request: ChangeRequestView;
}

/**
 * What the write path returns: written, or awaiting approval. A result, not
 * a thrown error, so every caller decides what "awaiting approval" means to it.
 *
 * @example const outcome = await putSettings(deps, input); if (outcome.kind === 'written') use(outcome.record);
 */
export type WriteOutcome<T> = Written<T> | ChangeRequestOpened;

/** Wraps a stored record as {@link Written}. */
export function written<T>(record: T): Written<T> {
  return { kind: 'written', record };
}

/** Maps the record of a {@link Written} outcome; a change request passes through unchanged. */
export async function mapWritten<T, U>(
  outcome: WriteOutcome<T>,
  map: (record: T) => U | Promise<U>,
): Promise<WriteOutcome<U>> {
  return outcome.kind === 'written' ? written(await map(outcome.record)) : outcome;
}
