/**
 * The structured logger the core writes to (Powertools Logger satisfies it).
 * Callers pass only safe attributes: never a token, a body or a secret.
 */
export interface AppLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
