/** Shown instead of a secret value in issues and in `explain()`. */
export const REDACTED = '[redacted]';
