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
