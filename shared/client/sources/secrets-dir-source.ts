import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envValues } from '../env-values.ts';
import type { SettingsSource } from '../settings-source.ts';

/**
 * A secrets directory as Kubernetes and Docker mount them: one file per
 * key, named after its dot path (`db.password`) or its environment form
 * without prefix (`DB__PASSWORD`); the content, without its final newline,
 * is the value, coerced by the schema. Hidden entries (Kubernetes'
 * `..data` links) are skipped. Every value from here is secret. A missing
 * directory gives nothing.
 *
 * @example secretsDirSource('/run/secrets')
 */
export function secretsDirSource(dir: string, delimiter = '__'): SettingsSource {
  return {
    name: 'secrets-dir',
    read: async ({ shape }) => {
      let names: string[];
      try {
        names = (await readdir(dir, { withFileTypes: true }))
          .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isSymbolicLink()))
          .map((entry) => entry.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: {} };
        throw error;
      }
      const vars: Record<string, string> = {};
      const files = new Map<string, string>();
      for (const name of names) {
        const variable = name.split('.').join(delimiter);
        vars[variable] = (await readFile(join(dir, name), 'utf8')).replace(/\r?\n$/, '');
        files.set(variable, name);
      }
      const file = (variable: string) => join(dir, files.get(variable) ?? variable);
      const reading = envValues(vars, shape, { prefix: '', delimiter }, file);
      const origins = Object.fromEntries(
        Object.entries(reading.origins ?? {}).map(([path, origin]) => [path, { ...origin, secret: true }]),
      );
      return { ...reading, origins };
    },
  };
}
