import { canonicalJson } from '../canonical-hash.ts';
import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import { escapePointerToken, type JsonValue, ownValue } from '../json-value.ts';
import { parseQuantity } from '../quantity.ts';
import type { DesiredWorkload } from './desired-state.ts';
import type { FindingSink } from './finding-builder.ts';
import type { ObservedContainer, ObservedWorkload } from './observed-state.ts';
import { beyondTolerance, relativeMagnitude, toleranceFor } from './tolerance.ts';

/**
 * Value drift of one mapped workload: image (exact), resources (quantities
 * compared as numbers, relative tolerance), replicas (relative tolerance;
 * only when no HPA governs them), labels (the settings' keys present and
 * equal; extra labels are not drift), securityContext (each key of the
 * settings against the container's value, else the pod's; exact).
 */
export function checkValues(
  desired: DesiredWorkload,
  workload: ObservedWorkload,
  container: ObservedContainer,
  hasHpa: boolean,
  policy: DriftPolicy,
  emit: FindingSink,
): void {
  const base = { workload: desired.ref, service: desired.service };
  const at = `spec.template.spec.containers[${container.name}]`;
  if (desired.image !== undefined && desired.image !== container.image) {
    emit('image-drift', {
      ...base,
      pointer: '/image',
      objectPath: `${at}.image`,
      expected: desired.image,
      ...(container.image === undefined ? {} : { actual: container.image }),
      magnitude: 1,
      tolerance: 0,
      message: `image is ${container.image ?? 'missing'}, the settings say ${desired.image}`,
    });
  }
  for (const section of ['requests', 'limits'] as const) {
    const wanted = desired.resources?.[section];
    if (!wanted) continue;
    const have = container.resources[section];
    for (const resource of Object.keys(wanted)) {
      const expected = wanted[resource] as JsonValue;
      const actual = have && Object.hasOwn(have, resource) ? have[resource] : undefined;
      // Why the fast path: most quantities are written the same way on both sides.
      if (actual === expected) continue;
      compareNumber(
        { rule: 'resources-drift', base, policy, emit },
        `/resources/${section}/${escapePointerToken(resource)}`,
        `${at}.resources.${section}.${resource}`,
        expected,
        actual,
        parseQuantity,
      );
    }
  }
  if (!hasHpa && desired.replicas !== undefined && desired.replicas !== workload.replicas) {
    compareNumber(
      { rule: 'replicas-drift', base, policy, emit },
      '/replicas',
      'spec.replicas',
      desired.replicas,
      workload.replicas,
      asNumber,
    );
  }
  if (desired.labels) {
    for (const key of Object.keys(desired.labels)) {
      const expected = desired.labels[key] as string;
      const actual = Object.hasOwn(workload.labels, key) ? workload.labels[key] : undefined;
      if (actual === expected) continue;
      emit('labels-drift', {
        ...base,
        pointer: `/labels/${escapePointerToken(key)}`,
        objectPath: `metadata.labels.${key}`,
        expected,
        ...(actual === undefined ? {} : { actual }),
        magnitude: 1,
        tolerance: 0,
        message:
          actual === undefined
            ? `label ${key} is missing`
            : `label ${key} is ${actual}, the settings say ${expected}`,
      });
    }
  }
  if (desired.securityContext) {
    for (const key of Object.keys(desired.securityContext)) {
      const expected = desired.securityContext[key] as JsonValue;
      const fromContainer = container.securityContext && ownValue(container.securityContext, key);
      const actual =
        fromContainer ?? (workload.podSecurityContext && ownValue(workload.podSecurityContext, key));
      if (actual === expected || (actual !== undefined && sameJson(actual, expected))) continue;
      emit('security-context-drift', {
        ...base,
        pointer: `/securityContext/${escapePointerToken(key)}`,
        objectPath:
          fromContainer !== undefined
            ? `${at}.securityContext.${key}`
            : `spec.template.spec.securityContext.${key}`,
        expected,
        ...(actual === undefined ? {} : { actual }),
        magnitude: 1,
        tolerance: 0,
        message: `securityContext.${key} is ${actual === undefined ? 'not set' : canonicalJson(actual)}, the settings say ${canonicalJson(expected)}`,
      });
    }
  }
}

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Equal JSON values; objects compared canonically (key order does not matter). */
function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

interface CompareContext {
  rule: 'resources-drift' | 'replicas-drift';
  base: { workload: DesiredWorkload['ref']; service: string };
  policy: DriftPolicy;
  emit: FindingSink;
}

/** Relative comparison of two quantities or counts; emits when beyond the pointer's tolerance. */
function compareNumber(
  { rule, base, policy, emit }: CompareContext,
  pointer: string,
  objectPath: string,
  expected: JsonValue,
  actual: JsonValue | undefined,
  parse: (value: unknown) => number | undefined,
): void {
  const tolerance = toleranceFor(pointer, policy);
  const e = parse(expected);
  const a = actual === undefined ? undefined : parse(actual);
  let magnitude: number;
  if (e !== undefined && a !== undefined) {
    magnitude = relativeMagnitude(e, a);
    if (!beyondTolerance(magnitude, tolerance)) return;
  } else if (actual !== undefined && sameJson(actual, expected)) {
    return;
  } else {
    magnitude = 1;
  }
  emit(rule, {
    ...base,
    pointer,
    objectPath,
    expected,
    ...(actual === undefined ? {} : { actual }),
    magnitude: Number(magnitude.toPrecision(6)),
    tolerance,
    message:
      actual === undefined
        ? `${objectPath} is not set, the settings say ${String(expected)}`
        : `${objectPath} is ${String(actual)}, the settings say ${String(expected)} (off by ${Math.round(magnitude * 1000) / 10} %, tolerance ${Math.round(tolerance * 1000) / 10} %)`,
  });
}
