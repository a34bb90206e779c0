import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import { DEFAULT_HPA_RANGES, type EnvironmentPolicy } from '../validation/environment-policy.ts';
import type { DesiredWorkload } from './desired-state.ts';
import type { FindingSink } from './finding-builder.ts';
import type { ObservedHpa, ObservedWorkload, WorkloadRef } from './observed-state.ts';
import { beyondTolerance, relativeMagnitude, toleranceFor } from './tolerance.ts';

/** What {@link checkHpa} reads about one workload. */
export interface HpaCheckInput {
  ref: WorkloadRef;
  workload: ObservedWorkload;
  hpa: ObservedHpa | undefined;
  /** The mapped service's desired state; absent for a workload no service maps to. */
  desired: DesiredWorkload | undefined;
}

/**
 * Semantic (HPA-aware) drift: with an HPA, `spec.replicas` inside [min, max]
 * is not drift and outside it is; min/max/target compared with the settings
 * (relative tolerance); the target inside the environment's range (70-80 %
 * unless its policy says otherwise); tolerance/hysteresis against the HPA's
 * behavior tolerances when it has them, otherwise an `info` note. Also the
 * structural `hpa-missing` and the `hpa-unexpected` case.
 */
export function checkHpa(
  { ref, workload, hpa, desired }: HpaCheckInput,
  policy: DriftPolicy,
  environmentPolicy: EnvironmentPolicy | undefined,
  emit: FindingSink,
): void {
  const base = { workload: ref, ...(desired ? { service: desired.service } : {}) };
  const wanted = desired?.hpa;
  if (!hpa) {
    if (wanted) {
      emit('hpa-missing', {
        ...base,
        pointer: '/hpa',
        message: `no HorizontalPodAutoscaler targets ${ref.kind} ${ref.name}, the settings ask for one`,
      });
    }
    return;
  }
  const hpaPath = `HorizontalPodAutoscaler ${hpa.name}`;
  const min = hpa.minReplicas ?? 1;
  if (workload.replicas !== undefined && (workload.replicas < min || workload.replicas > hpa.maxReplicas)) {
    emit('replicas-outside-hpa-range', {
      ...base,
      objectPath: 'spec.replicas',
      expected: [min, hpa.maxReplicas],
      actual: workload.replicas,
      message: `spec.replicas is ${workload.replicas}, outside the HPA range [${min}, ${hpa.maxReplicas}]`,
    });
  }
  const range = {
    ...DEFAULT_HPA_RANGES.targetAverageUtilization,
    ...environmentPolicy?.hpa?.targetAverageUtilization,
  };
  const target = hpa.targetAverageUtilization;
  if (target !== undefined && (target < range.min || target > range.max)) {
    emit('hpa-target-out-of-range', {
      ...base,
      objectPath: `${hpaPath} spec.metrics[cpu].target.averageUtilization`,
      expected: [range.min, range.max],
      actual: target,
      message: `target CPU utilization ${target} % is outside the environment's ${range.min}-${range.max} %`,
    });
  }
  if (!desired) return;
  if (!wanted) {
    emit('hpa-unexpected', {
      ...base,
      objectPath: hpaPath,
      message: `HorizontalPodAutoscaler ${hpa.name} targets the workload but the settings have no hpa`,
    });
    return;
  }
  const pairs = [
    ['hpa-min-drift', 'minReplicas', wanted.minReplicas, hpa.minReplicas ?? 1, 'spec.minReplicas'],
    ['hpa-max-drift', 'maxReplicas', wanted.maxReplicas, hpa.maxReplicas, 'spec.maxReplicas'],
    [
      'hpa-target-drift',
      'targetAverageUtilization',
      wanted.targetAverageUtilization,
      target,
      'spec.metrics[cpu].target.averageUtilization',
    ],
  ] as const;
  for (const [rule, key, expected, actual, path] of pairs) {
    if (expected === undefined) continue;
    const pointer = `/hpa/${key}`;
    const tolerance = toleranceFor(pointer, policy);
    const magnitude = actual === undefined ? 1 : relativeMagnitude(expected, actual);
    if (actual !== undefined && !beyondTolerance(magnitude, tolerance)) continue;
    emit(rule, {
      ...base,
      pointer,
      objectPath: `${hpaPath} ${path}`,
      expected,
      ...(actual === undefined ? {} : { actual }),
      magnitude: Number(magnitude.toPrecision(6)),
      tolerance,
      message: `HPA ${key} is ${actual ?? 'not set'}, the settings say ${expected}`,
    });
  }
  if (wanted.tolerance === undefined) return;
  const pointer = `/hpa/${wanted.toleranceKey ?? 'tolerance'}`;
  const sides = [
    ['scaleUp', hpa.scaleUpTolerance],
    ['scaleDown', hpa.scaleDownTolerance],
  ] as const;
  if (sides.every(([, value]) => value === undefined)) {
    emit('hpa-tolerance-not-comparable', {
      ...base,
      pointer,
      objectPath: `${hpaPath} spec.behavior`,
      expected: wanted.tolerance,
      message: `HPA ${hpa.name} has no behavior tolerance (Kubernetes 1.33+): ${pointer.slice(1)} not compared`,
    });
    return;
  }
  const tolerance = toleranceFor(pointer, policy);
  for (const [side, actual] of sides) {
    if (actual === undefined) continue;
    const magnitude = relativeMagnitude(wanted.tolerance, actual);
    if (!beyondTolerance(magnitude, tolerance)) continue;
    emit('hpa-tolerance-drift', {
      ...base,
      pointer,
      objectPath: `${hpaPath} spec.behavior.${side}.tolerance`,
      expected: wanted.tolerance,
      actual,
      magnitude: Number(magnitude.toPrecision(6)),
      tolerance,
      message: `HPA ${side} tolerance is ${actual}, the settings say ${wanted.tolerance}`,
    });
  }
}
