import type { JsonObject } from '../json-value.ts';

/** The kinds of workload a drift policy can map a service to. */
export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** Names one workload in a cluster. */
export interface WorkloadRef {
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

/** One container of a workload's pod template, as the cluster has it. */
export interface ObservedContainer {
  name: string;
  image?: string;
  /** `resources.requests` and `resources.limits`, quantities as the object states them. */
  resources: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: JsonObject;
}

/** A Deployment or StatefulSet reduced to the fields drift detection reads. */
export interface ObservedWorkload extends WorkloadRef {
  labels: Record<string, string>;
  /** `spec.replicas`; absent when the object leaves it to its default. */
  replicas?: number;
  /** `spec.template.spec.securityContext`. */
  podSecurityContext?: JsonObject;
  containers: ObservedContainer[];
  resourceVersion?: string;
}

/** An autoscaling/v2 HorizontalPodAutoscaler reduced to what drift detection reads. */
export interface ObservedHpa {
  namespace: string;
  name: string;
  /** `spec.scaleTargetRef`. */
  target: { kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
  /** The `Resource` metric `cpu` with `Utilization` target, when the HPA has one. */
  targetAverageUtilization?: number;
  /** `spec.behavior.scaleUp.tolerance` (Kubernetes 1.33+). */
  scaleUpTolerance?: number;
  /** `spec.behavior.scaleDown.tolerance` (Kubernetes 1.33+). */
  scaleDownTolerance?: number;
  /** `status.currentReplicas`. */
  currentReplicas?: number;
}

/** What a cluster runs in its watched namespaces: the input of the drift engine. */
export interface ObservedState {
  workloads: ObservedWorkload[];
  hpas: ObservedHpa[];
}

/** `namespace/kind/name`: the key of a workload in maps and scan history. */
export function workloadKey(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.kind}/${ref.name}`;
}
