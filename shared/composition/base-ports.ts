import { systemClock } from '../ports/clock.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import { createLogger, type LogLevel } from './create-logger.ts';
import { ENV } from './env-vars.ts';

/** A Lambda function's environment. */
export type Env = Record<string, string | undefined>;

/** The clock and the logger every composition root on AWS holds, the log level from the environment. */
export function basePortsFrom(env: Env): PortsOf<never> {
  return {
    clock: systemClock,
    logger: createLogger((env[ENV.logLevel] as LogLevel | undefined) ?? 'INFO'),
  };
}
