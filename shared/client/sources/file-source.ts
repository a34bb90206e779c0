import { readFile } from 'node:fs/promises';
import { isPlainObject } from '../is-plain-object.ts';
import { mergeReadings } from '../merge-readings.ts';
import { parseSettingsFile } from '../parse-settings-file.ts';
import type { SettingsSource, SourceReading } from '../settings-source.ts';

/**
 * JSON, YAML and TOML files (by extension). Several files: a later file
 * wins. A missing file is skipped; one that does not parse, or whose top
 * level is not an object, is an issue.
 *
 * @example fileSource(['config.toml', 'config.local.yaml'])
 */
export function fileSource(files: readonly string[]): SettingsSource {
  return {
    name: 'file',
    read: async () => {
      const readings: SourceReading[] = [];
      for (const file of files) {
        const reading = await readSettingsFile(file);
        if (reading) readings.push(reading);
      }
      return mergeReadings(readings.reverse());
    },
  };
}

async function readSettingsFile(file: string): Promise<SourceReading | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return fileIssue(file, `cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = await parseSettingsFile(file, text);
  } catch (error) {
    return fileIssue(file, `${file} does not parse: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return { values: {} };
  if (!isPlainObject(parsed)) return fileIssue(file, `${file} must hold an object at its top level`);
  return { values: parsed, origins: { '': { detail: file } } };
}

function fileIssue(file: string, message: string): SourceReading {
  return { values: {}, issues: [{ path: '', message, source: `file ${file}` }] };
}
