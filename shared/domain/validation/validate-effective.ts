import type { Violation } from '../errors.ts';
import type { JsonObject } from '../json-value.ts';
import type { Provenance } from '../layers/effective-settings.ts';
import { isAtOrBelow } from '../layers/json-pointer.ts';
import type { EnvironmentPolicy } from './environment-policy.ts';
import type { CheckOutcome, CompiledServiceSchema } from './service-schema.ts';
import { checkWorkloads } from './workload-rules.ts';

/** What applies to one effective configuration. */
export interface EffectiveCheck {
  /** The effective configuration's scope (`envs/prod/services/api`), named in each violation as `target`. */
  target: string;
  content: JsonObject;
  /** Read only when a violation needs its layer named (a lazy map is never computed for a valid configuration). */
  provenance: ReadonlyMap<string, Provenance>;
  /** The environment's policy, if it has one. */
  policy?: EnvironmentPolicy | undefined;
  /** The service's compiled schema, if it has one. */
  schema?: CompiledServiceSchema | undefined;
}

/**
 * Validates one effective configuration with the built-in workload rules,
 * the environment policy and the service schema (JSON Schema, CEL rules,
 * unknown keys), and names for each violation the layer that supplied the
 * value (`scope`) and the configuration (`target`).
 *
 * @example validateEffective({ target: 'envs/dev/services/api', content, provenance, policy, schema }).errors
 */
export function validateEffective(check: EffectiveCheck): CheckOutcome {
  const errors: Violation[] = [];
  const warnings: Violation[] = [];
  // Loops, not closures: this runs for every configuration a wide write validates.
  for (const v of checkWorkloads(check.content, check.policy)) errors.push(annotated(check, v));
  const schema = check.schema?.validate(check.content);
  if (schema) {
    for (const v of schema.errors) errors.push(annotated(check, v));
    for (const v of schema.warnings) warnings.push(annotated(check, v));
  }
  return { errors, warnings };
}

/** A violation with the layer that supplied its value (`scope`) and the configuration (`target`). */
function annotated(check: EffectiveCheck, v: Violation): Violation {
  const scope = v.scope ?? scopeOf(check.provenance, v.pointer);
  return { ...v, ...(scope === undefined ? {} : { scope }), target: check.target };
}

/**
 * The layer that supplied the value at `pointer`: the leaf's own layer, or,
 * for an object, the highest layer among its leaves, or, for a missing key,
 * the layer of the nearest existing parent below the root (none at the root).
 */
export function scopeOf(provenance: ReadonlyMap<string, Provenance>, pointer: string): string | undefined {
  // The root is every layer: a missing top-level key has no single layer to blame.
  if (pointer === '') return undefined;
  const exact = provenance.get(pointer);
  if (exact) return describe(exact);
  let best: Provenance | undefined;
  for (const [leaf, source] of provenance) {
    if (isAtOrBelow(leaf, pointer) && (best === undefined || rank(source) > rank(best))) best = source;
  }
  if (best) return describe(best);
  return scopeOf(provenance, pointer.slice(0, pointer.lastIndexOf('/')));
}

function describe(source: Provenance): string {
  return source.scope;
}

function rank(source: Provenance): number {
  return source.scope === 'global' ? 0 : source.scope.split('/').length;
}

/**
 * Drops repeated violations: the same rule failing on the same value from
 * the same layer in a service and in its instances is reported once, for
 * the service. Different services keep their own entries.
 */
export function dedupeViolations(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const service = v.target?.replace(/\/instances\/[^/]+$/, '');
    const key = JSON.stringify([v.pointer, v.rule, v.value, v.scope, v.message, service]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
