/** The CLI's exit codes, stable for scripts. */
export const EXIT = {
  ok: 0,
  /** Bad usage: unknown flag, missing option, unreadable file. */
  usage: 1,
  /** The API answered with an error. */
  api: 2,
  /** A conflict: 409 or 412 (someone else changed it; re-read and retry). */
  conflict: 3,
} as const;

/** Raised for bad CLI usage (exit code 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}
