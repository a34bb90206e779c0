import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

/**
 * Parses a settings file by its extension: `.json`, `.yaml`/`.yml` (the
 * `yaml` package, YAML 1.2 core schema) or `.toml` (smol-toml). Throws on
 * a syntax error or another extension.
 *
 * @example parseSettingsFile('config.toml', '[db]\nport = 5432') // { db: { port: 5432 } }
 */
export function parseSettingsFile(file: string, text: string): unknown {
  switch (extname(file).toLowerCase()) {
    case '.json':
      return JSON.parse(text);
    case '.yaml':
    case '.yml':
      return parseYaml(text);
    case '.toml':
      return parseToml(text);
    default:
      throw new Error(
        `unknown settings file type ${extname(file) || '(none)'}: use .json, .yaml, .yml or .toml`,
      );
  }
}
