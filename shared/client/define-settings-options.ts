import type { PlumblineOptions } from './plumbline/plumbline-options.ts';
import type { SecretRules } from './secret-matcher.ts';
import type { SettingsIssue } from './settings-error.ts';
import type { ExtraKeys, SettingsSource } from './settings-source.ts';
import type { EnvSourceOptions } from './sources/env-source.ts';

/** The built-in sources, in their default order (highest priority first). */
export const BUILT_IN_SOURCES = [
  'explicit',
  'argv',
  'env',
  'dotenv',
  'file',
  'package.json',
  'secrets-dir',
  'plumbline',
] as const;

/** The name of a built-in source. */
export type BuiltInSource = (typeof BUILT_IN_SOURCES)[number];

/** Options of `defineSettings`: which sources to read and how. Every source is optional. */
export interface DefineSettingsOptions {
  /** Values given in code. */
  explicit?: Readonly<Record<string, unknown>>;
  /** Command-line arguments; `process.argv.slice(2)` by default, `false` to ignore them. */
  argv?: readonly string[] | false;
  /** Environment variables (`{prefix: 'APP_', delimiter: '__'}`); no prefix by default; `false` to ignore them. */
  env?: EnvSourceOptions | false;
  /** Dotenv files, later wins; named like environment variables (same prefix and delimiter). */
  dotenv?: readonly string[];
  /** JSON, YAML or TOML files, later wins. */
  files?: readonly string[];
  /** A key of a package.json. */
  packageJson?: { key: string; path?: string };
  /** A directory with one file per key (Kubernetes/Docker secrets). */
  secretsDir?: string;
  /** Plumbline over HTTPS. */
  plumbline?: PlumblineOptions;
  /** The order of the sources, highest priority first: built-in names and custom sources. */
  sources?: readonly (BuiltInSource | SettingsSource)[];
  /** Unknown keys: one rule for every source, or one per source name (`{ env: 'ignore', file: 'forbid' }`). `ignore` by default. */
  extra?: ExtraKeys | Readonly<Record<string, ExtraKeys>>;
  /** Which keys are secret (redacted in issues and explain, kept out of the cache). */
  secrets?: SecretRules;
  /** Program name in `--help`. */
  program?: string;
  /** Where `warn` reports unknown keys; a line on stderr by default. */
  onWarning?: (issue: SettingsIssue) => void;
}
