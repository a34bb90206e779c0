import type { Violation } from '../errors.ts';
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from '../json-value.ts';
import { parseQuantity } from '../quantity.ts';
import type { ObservedContainer, ObservedHpa, ObservedState, ObservedWorkload } from './observed-state.ts';

/** The kinds an observation may hold, as `kubectl get deploy,sts,hpa` returns them. */
export const OBSERVED_KINDS = ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler'] as const;

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const obj = (value: unknown): JsonObject | undefined => (isJsonObject(value) ? value : undefined);
const str = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(obj(value) ?? {}))
    if (typeof item === 'string') setOwn(out, key, item);
  return out;
}

function quantities(value: unknown): Record<string, string | number> | undefined {
  const source = obj(value);
  if (!source) return undefined;
  const out: Record<string, string | number> = {};
  for (const [key, item] of Object.entries(source)) {
    if (typeof item === 'string' || typeof item === 'number') setOwn(out, key, item);
  }
  return out;
}

/**
 * Reduces one Kubernetes object (JSON as the API serves it: a Deployment,
 * StatefulSet or autoscaling/v2 HPA) into the drift engine's observed shape.
 * Appends a violation under `pointer` and returns `undefined` when a field
 * the engine needs is missing or of the wrong type.
 */
export function toObservedObject(
  item: unknown,
  kind: string,
  pointer: string,
  violations: Violation[],
): ObservedWorkload | ObservedHpa | undefined {
  const fail = (at: string, message: string) => {
    violations.push({ pointer: `${pointer}${at}`, rule: 'observation.shape', message });
    return undefined;
  };
  const object = obj(item);
  const metadata = obj(object?.metadata);
  const spec = obj(object?.spec);
  if (!object || !metadata || !spec) return fail('', 'each item needs metadata and spec objects');
  const namespace = metadata.namespace;
  const name = metadata.name;
  if (!str(namespace) || !str(name))
    return fail('/metadata', 'metadata.namespace and metadata.name are required');
  if (kind === 'HorizontalPodAutoscaler') {
    const target = obj(spec.scaleTargetRef);
    if (!target || !str(target.kind) || !str(target.name)) {
      return fail('/spec/scaleTargetRef', 'scaleTargetRef needs kind and name');
    }
    if (!isInt(spec.maxReplicas)) return fail('/spec/maxReplicas', 'maxReplicas must be an integer');
    const hpa: ObservedHpa = {
      namespace,
      name,
      target: { kind: target.kind, name: target.name },
      maxReplicas: spec.maxReplicas,
    };
    if (isInt(spec.minReplicas)) hpa.minReplicas = spec.minReplicas;
    const utilization = cpuUtilization(spec.metrics);
    if (utilization !== undefined) hpa.targetAverageUtilization = utilization;
    const behavior = obj(spec.behavior);
    const up = obj(behavior?.scaleUp)?.tolerance;
    const down = obj(behavior?.scaleDown)?.tolerance;
    // Tolerances are quantities in the API (`"0.1"` or `100m`); read them as numbers.
    const upTolerance = parseQuantity(up);
    const downTolerance = parseQuantity(down);
    if (upTolerance !== undefined) hpa.scaleUpTolerance = upTolerance;
    if (downTolerance !== undefined) hpa.scaleDownTolerance = downTolerance;
    const current = obj(object.status)?.currentReplicas;
    if (isInt(current)) hpa.currentReplicas = current;
    return hpa;
  }
  const podSpec = obj(obj(spec.template)?.spec);
  const rawContainers = podSpec?.containers;
  if (!podSpec || !Array.isArray(rawContainers)) {
    return fail('/spec/template/spec/containers', 'the pod template needs a containers array');
  }
  const containers: ObservedContainer[] = [];
  for (const [i, raw] of rawContainers.entries()) {
    const container = obj(raw);
    if (!container || !str(container.name)) {
      return fail(`/spec/template/spec/containers/${i}`, 'each container needs a name');
    }
    const resources = obj(container.resources);
    const requests = quantities(resources?.requests);
    const limits = quantities(resources?.limits);
    const security = obj(container.securityContext);
    containers.push({
      name: container.name,
      ...(typeof container.image === 'string' ? { image: container.image } : {}),
      resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
      ...(security ? { securityContext: security } : {}),
    });
  }
  const workload: ObservedWorkload = {
    namespace,
    kind: kind as ObservedWorkload['kind'],
    name,
    labels: stringMap(metadata.labels),
    containers,
  };
  if (isInt(spec.replicas)) workload.replicas = spec.replicas;
  const podSecurity = obj(podSpec.securityContext);
  if (podSecurity) workload.podSecurityContext = podSecurity;
  if (typeof metadata.resourceVersion === 'string') workload.resourceVersion = metadata.resourceVersion;
  return workload;
}

/** The target averageUtilization of the HPA's `Resource` metric for `cpu`, when it has one. */
function cpuUtilization(metrics: JsonValue | undefined): number | undefined {
  if (!Array.isArray(metrics)) return undefined;
  for (const metric of metrics) {
    const resource = obj(obj(metric)?.resource);
    const target = obj(resource?.target);
    if (resource?.name === 'cpu' && target?.type === 'Utilization' && isInt(target.averageUtilization)) {
      return target.averageUtilization;
    }
  }
  return undefined;
}

/**
 * Adds one reduced object to the state it belongs in.
 */
export function addObserved(state: ObservedState, object: ObservedWorkload | ObservedHpa): void {
  if ('maxReplicas' in object) state.hpas.push(object);
  else state.workloads.push(object);
}
