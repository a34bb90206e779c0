/** Where one leaf of the loaded settings came from. */
export interface SettingExplanation {
  /** Dot path of the leaf. */
  path: string;
  /** The value; `[redacted]` when secret. */
  value: unknown;
  /** The source (`env`, `file`, `plumbline` ...), or `default` for a schema default. */
  source: string;
  /** The variable, flag, file or Plumbline layer. */
  from?: string;
  /** For Plumbline: the version of the layer. */
  version?: number;
  secret: boolean;
}
