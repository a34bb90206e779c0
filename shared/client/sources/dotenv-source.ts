import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { type EnvNaming, envValues } from '../env-values.ts';
import { mergeReadings } from '../merge-readings.ts';
import type { SettingsSource, SourceReading } from '../settings-source.ts';

/**
 * Dotenv files, read with Node's own parser (`util.parseEnv`: quotes,
 * `export`, comments, multi-line double-quoted values) and mapped onto the
 * schema like environment variables. Several files: a later file wins. A
 * missing file is skipped; one that cannot be read is an issue.
 *
 * @example dotenvSource(['.env', '.env.local'], { prefix: 'APP_', delimiter: '__' })
 */
export function dotenvSource(files: readonly string[], naming: EnvNaming): SettingsSource {
  return {
    name: 'dotenv',
    read: async ({ shape }) => {
      const readings: SourceReading[] = [];
      for (const file of files) {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          readings.push(unreadable(file, error));
          continue;
        }
        readings.push(envValues(parseEnv(text), shape, naming, (name) => `${file}: ${name}`));
      }
      return mergeReadings(readings.reverse());
    },
  };
}

function unreadable(file: string, error: unknown): SourceReading {
  return {
    values: {},
    issues: [
      { path: '', message: `cannot read ${file}: ${(error as Error).message}`, source: `dotenv ${file}` },
    ],
  };
}
