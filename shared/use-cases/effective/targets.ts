import { parseScopeKey, type Scope, scopeKey } from '../../domain/scope.ts';

/** The layers of a scope, lowest first: `envs/a/services/b` -> global, envs/a, envs/a/services/b. */
export function layerScopes(scope: Scope): Scope[] {
  const out: Scope[] = [{ kind: 'global' }];
  if (scope.kind === 'global') return out;
  out.push({ kind: 'env', env: scope.env });
  if (scope.kind === 'env') return out;
  out.push({ kind: 'service', env: scope.env, service: scope.service });
  if (scope.kind === 'service') return out;
  out.push(scope);
  return out;
}

/**
 * The effective configurations a tenant has, from the keys of its settings
 * layers: every service that has a service or instance layer in an
 * environment, and every instance that has a layer. Sorted scope keys.
 */
export function effectiveTargets(settingsKeys: Iterable<string>): Scope[] {
  // Why remembered: each wide write (and its approval check) lists the same thousands of keys again.
  const keys = Array.isArray(settingsKeys) ? (settingsKeys as readonly string[]) : undefined;
  const known = keys && recentTargets.find((entry) => sameKeys(entry.keys, keys));
  if (known) return [...known.targets];
  const targets = targetsOf(settingsKeys).map((scope) => Object.freeze(scope));
  if (keys) {
    recentTargets.unshift({ keys: [...keys], targets });
    recentTargets.length = Math.min(recentTargets.length, RECENT_TARGET_LISTS);
  }
  return [...targets];
}

/** Target lists {@link effectiveTargets} keeps (their key lists compared element by element). */
const RECENT_TARGET_LISTS = 4;
const recentTargets: { keys: readonly string[]; targets: readonly Scope[] }[] = [];

/** True when two key lists hold the same keys in the same order. */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function targetsOf(settingsKeys: Iterable<string>): Scope[] {
  const found = new Map<string, Scope>();
  for (const key of settingsKeys) {
    const scope = parseScopeKey(key);
    if (!scope || scope.kind === 'global' || scope.kind === 'env') continue;
    const service: Scope = { kind: 'service', env: scope.env, service: scope.service };
    found.set(scopeKey(service), service);
    if (scope.kind === 'instance') found.set(key, scope);
  }
  return [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, scope]) => scope);
}

/** True when `target` lies at or below `scope` (every target lies below `global`). */
export function isUnder(target: Scope, scope: Scope): boolean {
  const t = scopeKey(target);
  const s = scopeKey(scope);
  return s === 'global' || t === s || t.startsWith(`${s}/`);
}
