import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from '../json-value.ts';
import type { WorkloadRef } from './observed-state.ts';

/** The HPA a service's settings ask for (`hpa.*`). */
export interface DesiredHpa {
  minReplicas?: number;
  maxReplicas?: number;
  targetAverageUtilization?: number;
  /** `hpa.tolerance`, or its synonym `hpa.hysteresis`. */
  tolerance?: number;
  /** Which of the two keys supplied {@link tolerance}. */
  toleranceKey?: 'tolerance' | 'hysteresis';
}

/** One service's desired state: the workload it maps to and the settings keys compared with it. */
export interface DesiredWorkload {
  service: string;
  ref: WorkloadRef;
  /** The container to compare; the first one when the mapping names none. */
  container?: string;
  image?: string;
  replicas?: number;
  resources?: { requests?: JsonObject; limits?: JsonObject };
  hpa?: DesiredHpa;
  labels?: Record<string, string>;
  securityContext?: JsonObject;
}

const num = (value: JsonValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The desired state of one service from its effective settings in the
 * environment: `image`, `replicas`, `resources`, `hpa`, `labels`,
 * `securityContext`. The policy's `workloads` entry says where it runs; a
 * service without one maps to a Deployment of the same name in the first
 * watched namespace. Keys of the wrong type are left out (validation of the
 * settings reports them).
 *
 * @example desiredWorkload('web', { image: 'r.io/web:1' }, policy).ref // { namespace: 'shop', kind: 'Deployment', name: 'web' }
 */
export function desiredWorkload(service: string, settings: JsonObject, policy: DriftPolicy): DesiredWorkload {
  const mapping = policy.workloads?.[service];
  const ref: WorkloadRef = mapping
    ? { namespace: mapping.namespace, kind: mapping.kind, name: mapping.name }
    : { namespace: policy.watch.namespaces[0] as string, kind: 'Deployment', name: service };
  const out: DesiredWorkload = { service, ref };
  if (mapping?.container !== undefined) out.container = mapping.container;
  if (typeof settings.image === 'string') out.image = settings.image;
  const replicas = num(settings.replicas);
  if (replicas !== undefined) out.replicas = replicas;
  if (isJsonObject(settings.resources)) {
    const { requests, limits } = settings.resources;
    const resources: DesiredWorkload['resources'] = {};
    if (isJsonObject(requests)) resources.requests = requests;
    if (isJsonObject(limits)) resources.limits = limits;
    out.resources = resources;
  }
  if (isJsonObject(settings.hpa)) out.hpa = desiredHpa(settings.hpa);
  if (isJsonObject(settings.labels)) {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(settings.labels)) {
      if (typeof value === 'string') setOwn(labels, key, value);
    }
    out.labels = labels;
  }
  if (isJsonObject(settings.securityContext)) out.securityContext = settings.securityContext;
  return out;
}

function desiredHpa(hpa: JsonObject): DesiredHpa {
  const out: DesiredHpa = {};
  const min = num(hpa.minReplicas);
  const max = num(hpa.maxReplicas);
  const target = num(hpa.targetAverageUtilization);
  if (min !== undefined) out.minReplicas = min;
  if (max !== undefined) out.maxReplicas = max;
  if (target !== undefined) out.targetAverageUtilization = target;
  const tolerance = num(hpa.tolerance);
  const hysteresis = num(hpa.hysteresis);
  if (tolerance !== undefined) Object.assign(out, { tolerance, toleranceKey: 'tolerance' });
  else if (hysteresis !== undefined)
    Object.assign(out, { tolerance: hysteresis, toleranceKey: 'hysteresis' });
  return out;
}
