import { canonicalJson } from '../canonical-hash.ts';
import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import { escapePointerToken, type JsonValue } from '../json-value.ts';
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
    for (const [resource, expected] of Object.entries(desired.resources?.[section] ?? {})) {
      const actual = container.resources[section]?.[resource];
      const pointer = `/resources/${section}/${escapePointerToken(resource)}`;
      compareNumber(
        'resources-drift',
        pointer,
        `${at}.resources.${section}.${resource}`,
        expected,
        actual,
        parseQuantity,
      );
    }
  }
  if (!hasHpa && desired.replicas !== undefined) {
    compareNumber('replicas-drift', '/replicas', 'spec.replicas', desired.replicas, workload.replicas, (x) =>
      typeof x === 'number' ? x : undefined,
    );
  }
  for (const [key, expected] of Object.entries(desired.labels ?? {})) {
    const actual = workload.labels[key];
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
  for (const [key, expected] of Object.entries(desired.securityContext ?? {})) {
    const fromContainer = container.securityContext?.[key];
    const actual = fromContainer ?? workload.podSecurityContext?.[key];
    if (actual !== undefined && canonicalJson(actual) === canonicalJson(expected)) continue;
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

  function compareNumber(
    rule: 'resources-drift' | 'replicas-drift',
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
    } else if (actual !== undefined && canonicalJson(actual) === canonicalJson(expected)) {
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
}
