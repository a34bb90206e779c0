import type { FindingSink } from './finding-builder.ts';
import type { ObservedHpa, ObservedWorkload, WorkloadRef } from './observed-state.ts';

/** What a scan remembers of one workload for the next scans' history rules. */
export interface WorkloadSample {
  replicas?: number;
  /** The HPA's `status.currentReplicas` and `spec.maxReplicas`, when an HPA targets the workload. */
  hpaCurrentReplicas?: number;
  hpaMaxReplicas?: number;
}

/** Samples of one scan by workload key (`namespace/kind/name`). */
export type ScanSamples = Record<string, WorkloadSample>;

/** Scans the replica series spans for `replicas-flapping`: this scan and the 5 before it. */
export const FLAPPING_WINDOW = 6;
/** Direction changes within the window that make `replicas-flapping`. */
export const FLAPPING_CHANGES = 3;
/** Consecutive scans (this one included) at maxReplicas that make `hpa-saturated`. */
export const SATURATION_SCANS = 3;

/** The sample of one workload in this scan. */
export function sampleOf(workload: ObservedWorkload, hpa: ObservedHpa | undefined): WorkloadSample {
  const sample: WorkloadSample = {};
  if (workload.replicas !== undefined) sample.replicas = workload.replicas;
  if (hpa) {
    sample.hpaMaxReplicas = hpa.maxReplicas;
    if (hpa.currentReplicas !== undefined) sample.hpaCurrentReplicas = hpa.currentReplicas;
  }
  return sample;
}

/**
 * Counts direction changes in a series: each move (a non-zero step) whose
 * sign differs from the previous move's.
 *
 * @example directionChanges([2, 4, 2, 4, 2]) // 3
 */
export function directionChanges(series: readonly number[]): number {
  let changes = 0;
  let last = 0;
  for (let i = 1; i < series.length; i++) {
    const step = Math.sign((series[i] as number) - (series[i - 1] as number));
    if (step === 0) continue;
    if (last !== 0 && step !== last) changes++;
    last = step;
  }
  return changes;
}

/**
 * History rules for one workload: `replicas-flapping` (replicas changed
 * direction {@link FLAPPING_CHANGES}+ times over this scan and the 5 before
 * it) and `hpa-saturated` (current replicas at maxReplicas in this scan and
 * the 2 before it). `history` is oldest first, this scan excluded.
 */
export function checkHistory(
  ref: WorkloadRef,
  service: string | undefined,
  current: WorkloadSample,
  history: readonly (WorkloadSample | undefined)[],
  emit: FindingSink,
): void {
  const base = { workload: ref, ...(service === undefined ? {} : { service }) };
  const samples = [...history.slice(-(FLAPPING_WINDOW - 1)), current];
  const replicas = samples.map((s) => s?.replicas ?? s?.hpaCurrentReplicas).filter((r) => r !== undefined);
  const changes = directionChanges(replicas);
  if (changes >= FLAPPING_CHANGES) {
    emit('replicas-flapping', {
      ...base,
      objectPath: 'spec.replicas',
      actual: replicas,
      message: `replicas changed direction ${changes} times over the last ${replicas.length} scans (${replicas.join(' → ')})`,
    });
  }
  const recent = [...history.slice(-(SATURATION_SCANS - 1)), current];
  const saturated =
    recent.length === SATURATION_SCANS &&
    recent.every(
      (s) =>
        s?.hpaMaxReplicas !== undefined &&
        s.hpaCurrentReplicas !== undefined &&
        s.hpaCurrentReplicas >= s.hpaMaxReplicas,
    );
  if (saturated) {
    emit('hpa-saturated', {
      ...base,
      objectPath: 'status.currentReplicas',
      expected: current.hpaMaxReplicas ?? null,
      actual: current.hpaCurrentReplicas ?? null,
      message: `the HPA has been at maxReplicas (${current.hpaMaxReplicas}) for the last ${SATURATION_SCANS} scans`,
    });
  }
}
