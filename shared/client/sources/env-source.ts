import { type EnvNaming, envValues } from '../env-values.ts';
import type { SettingsSource } from '../settings-source.ts';

/** Options of {@link envSource}. */
export interface EnvSourceOptions extends Partial<EnvNaming> {
  /** The variables to read; `process.env` when absent. */
  vars?: Readonly<Record<string, string | undefined>>;
}

/**
 * Environment variables with a prefix and a nested delimiter
 * (`APP_DB__HOST` -> `db.host`), parsed by the schema's types.
 *
 * @example envSource({ prefix: 'APP_' })
 */
export function envSource(options: EnvSourceOptions = {}): SettingsSource {
  const naming = { prefix: options.prefix ?? '', delimiter: options.delimiter ?? '__' };
  return {
    name: 'env',
    read: async ({ shape }) => envValues(options.vars ?? process.env, shape, naming, (name) => name),
  };
}
