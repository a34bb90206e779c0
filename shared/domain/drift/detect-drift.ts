import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import type { JsonObject } from '../json-value.ts';
import type { EnvironmentPolicy } from '../validation/environment-policy.ts';
import { checkCompliance } from './compliance-rules.ts';
import { type DesiredWorkload, desiredWorkload } from './desired-state.ts';
import type { DriftFinding } from './drift-finding.ts';
import { countBySeverity, driftScore, type SeverityCounts } from './drift-score.ts';
import { findingSink } from './finding-builder.ts';
import { checkHistory, type ScanSamples, sampleOf } from './history-rules.ts';
import { checkHpa } from './hpa-rules.ts';
import { compileLabelSelector } from './label-selector.ts';
import {
  type ObservedHpa,
  type ObservedState,
  type ObservedWorkload,
  workloadKey,
} from './observed-state.ts';
import { checkValues } from './value-rules.ts';

/** Everything one scan compares. */
export interface DriftInput {
  policy: DriftPolicy;
  /** Each service's effective settings in the cluster's environment. */
  services: Readonly<Record<string, JsonObject>>;
  observed: ObservedState;
  environment: { protected: boolean; policy?: EnvironmentPolicy | undefined };
  /** Samples of the previous scans of this cluster, oldest first. */
  history?: readonly ScanSamples[];
}

/** The outcome of {@link detectDrift}. */
export interface DriftResult {
  findings: DriftFinding[];
  counts: SeverityCounts;
  driftScore: number;
  /** Workloads compared: the watched ones plus mapped ones that are missing. */
  workloads: number;
  /** This scan's samples, to pass as history to the next scans. */
  samples: ScanSamples;
}

/**
 * The drift engine: compares each service's desired state (its effective
 * settings, mapped by the drift policy) with the observed workloads in the
 * watched namespaces (and label selector), and runs the structural, value,
 * semantic, history and compliance rules. Pure and deterministic: findings
 * come in workload order, then rule order.
 *
 * @example detectDrift({ policy, services: { web: { image: 'r.io/web:2' } }, observed, environment: { protected: false } }).driftScore
 */
export function detectDrift(input: DriftInput): DriftResult {
  const { policy, environment } = input;
  const findings: DriftFinding[] = [];
  const emit = findingSink(policy, findings);
  const watched = watchedWorkloads(input.observed.workloads, policy);
  const byKey = new Map(watched.map((w) => [workloadKey(w), w]));
  const hpaByTarget = new Map<string, ObservedHpa>();
  for (const hpa of input.observed.hpas) {
    hpaByTarget.set(`${hpa.namespace}/${hpa.target.kind}/${hpa.target.name}`, hpa);
  }
  const desiredByKey = new Map<string, DesiredWorkload>();
  let missing = 0;
  for (const service of Object.keys(input.services).sort()) {
    const desired = desiredWorkload(service, input.services[service] as JsonObject, policy);
    const key = workloadKey(desired.ref);
    const workload = byKey.get(key);
    if (!workload) {
      missing++;
      emit('workload-missing', {
        workload: desired.ref,
        service,
        message: `${desired.ref.kind} ${desired.ref.namespace}/${desired.ref.name} of service ${service} is not in the cluster`,
      });
      continue;
    }
    desiredByKey.set(key, desired);
  }
  const samples: ScanSamples = {};
  const history = input.history ?? [];
  for (const workload of watched) {
    const key = workloadKey(workload);
    const ref = { namespace: workload.namespace, kind: workload.kind, name: workload.name };
    const hpa = hpaByTarget.get(key);
    const desired = desiredByKey.get(key);
    if (!desired) {
      emit('workload-unmapped', {
        workload: ref,
        message: `${workload.kind} ${workload.namespace}/${workload.name} is watched but no service maps to it`,
      });
    } else {
      const container = desired.container
        ? workload.containers.find((c) => c.name === desired.container)
        : workload.containers[0];
      if (!container) {
        emit('container-missing', {
          workload: ref,
          service: desired.service,
          objectPath: 'spec.template.spec.containers',
          expected: desired.container ?? null,
          actual: workload.containers.map((c) => c.name),
          message: `container ${desired.container ?? '(first)'} is not in the pod template`,
        });
      } else {
        checkValues(desired, workload, container, hpa !== undefined, policy, emit);
      }
    }
    checkHpa({ ref, workload, hpa, desired }, policy, environment.policy, emit);
    const sample = sampleOf(workload, hpa);
    samples[key] = sample;
    // Why the guard: with no earlier scan neither history rule can fire.
    if (history.length > 0) {
      checkHistory(
        ref,
        desired?.service,
        sample,
        history.map((scan) => scan[key]),
        emit,
      );
    }
    checkCompliance(workload, hpa, desired?.service, environment, emit);
  }
  const counts = countBySeverity(findings);
  const workloads = watched.length + missing;
  return { findings, counts, driftScore: driftScore(counts, workloads), workloads, samples };
}

/** The observed workloads in the policy's namespaces that match its label selector. */
function watchedWorkloads(workloads: readonly ObservedWorkload[], policy: DriftPolicy): ObservedWorkload[] {
  const namespaces = new Set(policy.watch.namespaces);
  const matches = compileLabelSelector(policy.watch.labelSelector) ?? (() => true);
  return workloads.filter((w) => namespaces.has(w.namespace) && matches(w.labels));
}
