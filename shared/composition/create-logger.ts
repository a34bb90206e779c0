import { JsonLineLogger, type LogLevel } from '../adapters/stdout/json-line-logger.ts';
import type { AppLogger } from '../ports/app-logger.ts';

export type { LogLevel };

/** The structured JSON logger used by every entry point (one JSON line per entry on stdout). */
export function createLogger(level: LogLevel = 'INFO'): AppLogger {
  return new JsonLineLogger('plumbline', level);
}
