/** How keys are marked secret, besides Plumbline `$secret` references and the secrets directory. */
export interface SecretRules {
  /** Dot paths that are secret, with everything under them (`db.password`, `auth`). */
  keys?: readonly string[];
  /**
   * A key is secret when one of its path segments matches; `false` turns
   * the name rule off. Default: {@link DEFAULT_SECRET_PATTERN}.
   */
  pattern?: RegExp | false;
}

/** Segment names treated as secret unless `secrets.pattern` says otherwise. */
export const DEFAULT_SECRET_PATTERN =
  /^(.*[_-])?(password|passwd|pass|secret|token|api[_-]?key|private[_-]?key|credentials?)$/i;

/**
 * Whether a dot path is secret by the rules: one of `keys` or under one, or
 * a segment matching the pattern (`db.password`, `apiKey`, `auth.clientSecret`).
 *
 * @example secretMatcher({ keys: ['license'] })('db.password') // true
 */
export function secretMatcher(rules: SecretRules = {}): (path: string) => boolean {
  const pattern = rules.pattern === undefined ? DEFAULT_SECRET_PATTERN : rules.pattern;
  const keys = rules.keys ?? [];
  return (path) =>
    keys.some((key) => path === key || path.startsWith(`${key}.`)) ||
    (pattern !== false &&
      path.split('.').some((segment) => pattern.test(segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))));
}
