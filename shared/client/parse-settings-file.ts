import { extname } from 'node:path';

/**
 * Parses a settings file by its extension: `.json`, `.yaml`/`.yml` (the
 * `yaml` package, YAML 1.2 core schema) or `.toml` (smol-toml). Throws on
 * a syntax error or another extension. The YAML and TOML parsers load on
 * first use: a service without such files does not pay for them.
 *
 * @example await parseSettingsFile('config.toml', '[db]\nport = 5432') // { db: { port: 5432 } }
 */
export async function parseSettingsFile(file: string, text: string): Promise<unknown> {
  switch (extname(file).toLowerCase()) {
    case '.json':
      return JSON.parse(text);
    case '.yaml':
    case '.yml':
      return (await import('yaml')).parse(text);
    case '.toml':
      return (await import('smol-toml')).parse(text);
    default:
      throw new Error(
        `unknown settings file type ${extname(file) || '(none)'}: use .json, .yaml, .yml or .toml`,
      );
  }
}
