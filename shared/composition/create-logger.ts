import { Logger } from '@aws-lambda-powertools/logger';
import type { AppLogger } from '../ports/app-logger.ts';

/** Log levels Powertools Logger accepts. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** The structured JSON logger (Powertools) used by every entry point. */
export function createLogger(level: LogLevel = 'INFO'): AppLogger {
  const logger = new Logger({ serviceName: 'plumbline', logLevel: level });
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
  };
}
