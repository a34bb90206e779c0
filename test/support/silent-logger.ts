import type { AppLogger } from '../../shared/ports/app-logger.ts';

/** A logger that drops every line: keeps test and bench output readable. */
export const silentLogger: AppLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
