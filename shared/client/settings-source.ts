import type { SchemaShape } from './schema-shape.ts';
import type { SettingsIssue } from './settings-error.ts';

/** What to do with keys the schema does not know: drop them, drop them with a warning, or fail. */
export type ExtraKeys = 'ignore' | 'warn' | 'forbid';

/** Where one leaf came from within a source. */
export interface LeafOrigin {
  /** The variable, flag, file or layer (`APP_DB__HOST`, `--db.host`, `config.toml`, `envs/prod/services/api`). */
  detail: string;
  /** For Plumbline: the layer's version. */
  version?: number;
  /** The value is secret (a Plumbline `$secret` reference, a secrets-directory file). */
  secret?: boolean;
}

/** What a source read. */
export interface SourceReading {
  /** A partial settings object (nested like the schema). */
  values: Record<string, unknown>;
  /** Origin of each leaf, by dot path. A leaf without an entry gets the source's name only. */
  origins?: Readonly<Record<string, LeafOrigin>>;
  /** Problems the source found (a file that does not parse, an unresolved secret ...). */
  issues?: readonly SettingsIssue[];
  /** Called once the settings built from this reading validated (Plumbline writes its last-known-good file). */
  commit?: () => Promise<void>;
}

/** What a source is given when it reads. */
export interface SourceContext {
  /** The structure of the schema. */
  shape: SchemaShape;
  /** What the higher-priority sources produced, merged (frozen). */
  higher: Readonly<Record<string, unknown>>;
}

/**
 * A source of settings. The built-in ones are named; a custom source is any
 * object with a `name` and `read()`, placed in `options.sources`.
 *
 * @example const vault: SettingsSource = { name: 'vault', read: async () => ({ values: { db: { password: await fetchIt() } } }) };
 */
export interface SettingsSource {
  /** Shown in `explain()` and in issues. */
  readonly name: string;
  /** Unknown keys from this source; the `extra` option when absent. */
  readonly extra?: ExtraKeys;
  /** Reads the source. */
  read(context: SourceContext): Promise<SourceReading>;
  /** A polled source: resolves a new reading when its content changed, `undefined` when it did not. */
  poll?(context: SourceContext): Promise<SourceReading | undefined>;
  /** Seconds between polls (a polled source only). */
  readonly pollSeconds?: number;
}
