/** Why the local runtime could not start, for a one-line message and exit code 1. */
export type LocalStartFailure = 'data-dir-locked' | 'port-in-use';

/**
 * The local runtime cannot start for a reason the user can fix (another
 * runtime holds the data directory, the port is taken). Its message is one
 * line that says what to do; `bin/local.ts` prints it instead of a stack.
 */
export class LocalStartError extends Error {
  override name = 'LocalStartError';
  constructor(
    readonly reason: LocalStartFailure,
    message: string,
  ) {
    super(message);
  }
}
