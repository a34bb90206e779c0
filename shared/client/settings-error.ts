/** One problem with the settings: where, what, which source gave the value, and the value (redacted when secret). */
export interface SettingsIssue {
  /** Dot path of the key (`db.host`); empty for the whole object. */
  path: string;
  /** What is wrong, for a person. */
  message: string;
  /** The source that gave the value (`env APP_DB__PORT`, `file config.toml`), or `missing`. */
  source: string;
  /** The offending value; `[redacted]` when the key is secret; absent when there is none. */
  value?: unknown;
}

/**
 * The settings cannot be loaded. `issues` lists EVERY problem found in
 * every source and in validation, never only the first.
 *
 * @example try { await settings.load() } catch (e) { if (e instanceof SettingsError) console.error(e.format()) }
 */
export class SettingsError extends Error {
  /** Every problem, sorted by path. */
  readonly issues: readonly SettingsIssue[];
  constructor(issues: readonly SettingsIssue[]) {
    const sorted = [...issues].sort((a, b) => a.path.localeCompare(b.path));
    super(`Invalid settings: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`);
    this.name = 'SettingsError';
    this.issues = Object.freeze(sorted);
  }

  /** The issues as lines a person can act on, one per problem. */
  format(): string {
    const lines = this.issues.map((issue) => {
      const value = 'value' in issue ? ` (value: ${show(issue.value)})` : '';
      return `  - ${issue.path || '(root)'}: ${issue.message} [from ${issue.source}]${value}`;
    });
    return `${this.message}\n${lines.join('\n')}`;
  }
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}
