/** Name of an environment, service or instance: `^[a-z0-9][a-z0-9-]{0,62}$`. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * One settings document's place in the tenant's layers, lowest priority first:
 * `global` ⊃ environment ⊃ service ⊃ instance.
 */
export type Scope =
  | { kind: 'global' }
  | { kind: 'env'; env: string }
  | { kind: 'service'; env: string; service: string }
  | { kind: 'instance'; env: string; service: string; instance: string };

/**
 * The scope as written in settings paths and provenance:
 * `global`, `envs/dev`, `envs/dev/services/api`, `envs/dev/services/api/instances/i-1`.
 */
export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case 'global':
      return 'global';
    case 'env':
      return `envs/${scope.env}`;
    case 'service':
      return `envs/${scope.env}/services/${scope.service}`;
    case 'instance':
      return `envs/${scope.env}/services/${scope.service}/instances/${scope.instance}`;
  }
}

/** Builds a scope from (already validated) path parameters. */
export function scopeFromParams(params: {
  env?: string | undefined;
  service?: string | undefined;
  instance?: string | undefined;
}): Scope {
  const { env, service, instance } = params;
  if (env === undefined) return { kind: 'global' };
  if (service === undefined) return { kind: 'env', env };
  if (instance === undefined) return { kind: 'service', env, service };
  return { kind: 'instance', env, service, instance };
}

/** Parses a scope key back into a scope; `undefined` when it is not one. */
export function parseScopeKey(key: string): Scope | undefined {
  if (key === 'global') return { kind: 'global' };
  const parts = key.split('/');
  const [e, env, s, service, i, instance] = parts;
  if (e !== 'envs' || !ok(env)) return undefined;
  if (parts.length === 2) return { kind: 'env', env };
  if (s !== 'services' || !ok(service)) return undefined;
  if (parts.length === 4) return { kind: 'service', env, service };
  if (i !== 'instances' || !ok(instance) || parts.length !== 6) return undefined;
  return { kind: 'instance', env, service, instance };
}

// Module-level, not a closure per call: wide writes parse thousands of keys per request.
function ok(name: string | undefined): name is string {
  return name !== undefined && NAME_PATTERN.test(name);
}

/** The environment a scope belongs to, or `undefined` for `global`. */
export function scopeEnv(scope: Scope): string | undefined {
  return scope.kind === 'global' ? undefined : scope.env;
}
