import type { Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { parseQuantity } from '../quantity.ts';
import { DEFAULT_HPA_RANGES, type EnvironmentPolicy } from './environment-policy.ts';

/** Keys that make an object a workload for the built-in and policy rules. */
export const WORKLOAD_KEYS = ['image', 'labels', 'resources', 'hpa', 'replicas'] as const;

/** The resources the rules understand, with the policy bound that applies to each. */
const RESOURCE_KINDS = [
  { key: 'cpu', bound: 'cpu', label: 'CPU' },
  { key: 'memory', bound: 'memory', label: 'memory' },
  { key: 'nvidia.com/gpu', bound: 'gpu', label: 'GPU count' },
] as const;

/**
 * Finds every workload in a document: any object (at any depth, also in
 * arrays) holding one of {@link WORKLOAD_KEYS}. Returns their pointers.
 */
export function findWorkloads(document: JsonValue): { pointer: string; workload: JsonObject }[] {
  const out: { pointer: string; workload: JsonObject }[] = [];
  collectWorkloads(document, '', out);
  return out;
}

// A module-level function, not a closure per call: it runs for every configuration a wide write validates.
function collectWorkloads(
  node: JsonValue,
  path: string,
  out: { pointer: string; workload: JsonObject }[],
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) collectWorkloads(node[i] as JsonValue, `${path}/${i}`, out);
  } else if (isJsonObject(node)) {
    for (const key of WORKLOAD_KEYS)
      if (Object.hasOwn(node, key)) {
        out.push({ pointer: path, workload: node });
        break;
      }
    for (const key of Object.keys(node)) {
      // Labels and resources are leaves of a workload, not workloads themselves.
      if (key === 'labels' || key === 'resources' || key === 'hpa') continue;
      collectWorkloads(node[key] as JsonValue, `${path}/${escapePointerToken(key)}`, out);
    }
  }
}

/**
 * Applies the built-in workload rules (quantities, limits >= requests, HPA
 * bounds, utilization targets only where the request is set) and, when
 * given, the environment policy (registries, labels, resource and GPU
 * bounds, narrowed or widened HPA ranges) to every workload in `content`.
 * Lists every violation; pointers are relative to the document.
 *
 * @example checkWorkloads({ hpa: { minReplicas: 5, maxReplicas: 2 } }, undefined)[0]?.rule // 'hpa.min-le-max'
 */
export function checkWorkloads(content: JsonObject, policy: EnvironmentPolicy | undefined): Violation[] {
  const out: Violation[] = [];
  for (const { pointer, workload } of findWorkloads(content)) {
    checkImage(pointer, workload, policy, out);
    checkLabels(pointer, workload, policy, out);
    checkReplicas(pointer, workload, out);
    checkResources(pointer, workload, policy, out);
    checkHpa(pointer, workload, policy, out);
  }
  return out;
}

function checkImage(
  at: string,
  w: JsonObject,
  policy: EnvironmentPolicy | undefined,
  out: Violation[],
): void {
  if (!Object.hasOwn(w, 'image')) return;
  const image = w.image;
  if (typeof image !== 'string' || image.trim() === '') {
    out.push({
      pointer: `${at}/image`,
      rule: 'workload.image-type',
      value: image ?? null,
      message: 'image must be a non-empty string',
    });
    return;
  }
  const allowed = policy?.allowedRegistries;
  if (allowed && allowed.length > 0 && !allowed.some((prefix) => image.startsWith(prefix))) {
    out.push({
      pointer: `${at}/image`,
      rule: 'policy.allowed-registries',
      value: image,
      message: `image '${image}' is not from an allowed registry`,
      hint: `Use an image from ${allowed.join(', ')}`,
    });
  }
}

function checkLabels(
  at: string,
  w: JsonObject,
  policy: EnvironmentPolicy | undefined,
  out: Violation[],
): void {
  const labels = w.labels;
  if (labels !== undefined && !isJsonObject(labels)) {
    out.push({
      pointer: `${at}/labels`,
      rule: 'workload.labels-type',
      value: labels,
      message: 'labels must be an object of strings',
    });
    return;
  }
  for (const key of policy?.requiredLabels ?? []) {
    const value = labels?.[key];
    if (typeof value !== 'string' || value.trim() === '') {
      out.push({
        pointer: `${at}/labels/${escapePointerToken(key)}`,
        rule: 'policy.required-labels',
        value: value ?? null,
        message: `label '${key}' is required in this environment`,
        hint: `Add labels.${key} with a non-empty value`,
      });
    }
  }
}

function checkReplicas(at: string, w: JsonObject, out: Violation[]): void {
  if (!Object.hasOwn(w, 'replicas')) return;
  const replicas = w.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    out.push({
      pointer: `${at}/replicas`,
      rule: 'workload.replicas-type',
      value: replicas ?? null,
      message: 'replicas must be a whole number >= 0',
    });
  }
}

function checkResources(
  at: string,
  w: JsonObject,
  policy: EnvironmentPolicy | undefined,
  out: Violation[],
): void {
  if (!Object.hasOwn(w, 'resources')) return;
  const resources = w.resources;
  if (!isJsonObject(resources)) {
    out.push({
      pointer: `${at}/resources`,
      rule: 'resources.type',
      value: resources ?? null,
      message: 'resources must be an object with requests and/or limits',
    });
    return;
  }
  const parsed: Record<'requests' | 'limits', Map<string, number>> = {
    requests: new Map(),
    limits: new Map(),
  };
  for (const section of ['requests', 'limits'] as const) {
    const values = resources[section];
    if (values === undefined) continue;
    const base = `${at}/resources/${section}`;
    if (!isJsonObject(values)) {
      out.push({
        pointer: base,
        rule: 'resources.type',
        value: values,
        message: `${section} must be an object`,
      });
      continue;
    }
    for (const kind of RESOURCE_KINDS) {
      if (!Object.hasOwn(values, kind.key)) continue;
      const raw = values[kind.key];
      const pointer = `${base}/${escapePointerToken(kind.key)}`;
      const amount =
        kind.bound === 'gpu'
          ? typeof raw === 'number' || typeof raw === 'string'
            ? parseQuantity(raw)
            : undefined
          : parseQuantity(raw);
      if (amount === undefined || amount < 0) {
        out.push({
          pointer,
          rule: 'resources.quantity',
          value: raw ?? null,
          message: `${kind.label} ${section} is not a valid quantity`,
          hint:
            kind.bound === 'memory'
              ? 'Use a quantity such as 128Mi, 512Mi or 2Gi'
              : 'Use a quantity such as 100m, 500m or 2',
        });
        continue;
      }
      if (kind.bound === 'gpu' && !Number.isInteger(amount)) {
        out.push({
          pointer,
          rule: 'resources.gpu-integer',
          value: raw ?? null,
          message: 'GPUs are whole devices',
          hint: 'Use 0, 1, 2 ...',
        });
        continue;
      }
      parsed[section].set(kind.key, amount);
      const bounds = policy?.resources?.[kind.bound];
      const min = parseQuantity(bounds?.min);
      const max = parseQuantity(bounds?.max);
      if ((min !== undefined && amount < min) || (max !== undefined && amount > max)) {
        out.push({
          pointer,
          rule: `policy.${kind.bound}-bounds`,
          value: raw ?? null,
          message: `${kind.label} ${section} ${String(raw)} is outside the allowed range ${String(bounds?.min ?? '-')}..${String(bounds?.max ?? '-')}`,
          hint: `Choose a value between ${String(bounds?.min ?? 'any')} and ${String(bounds?.max ?? 'any')}`,
        });
      }
    }
  }
  for (const [key, request] of parsed.requests) {
    const limit = parsed.limits.get(key);
    if (limit !== undefined && limit < request) {
      out.push({
        pointer: `${at}/resources/limits/${escapePointerToken(key)}`,
        rule: 'resources.limit-below-request',
        value: (resources.limits as JsonObject)[key] ?? null,
        message: `the ${key} limit is below its request (${String((resources.requests as JsonObject)[key])})`,
        hint: 'Raise the limit to at least the request, or lower the request',
      });
    }
  }
}

function checkHpa(at: string, w: JsonObject, policy: EnvironmentPolicy | undefined, out: Violation[]): void {
  if (!Object.hasOwn(w, 'hpa')) return;
  const hpa = w.hpa;
  const base = `${at}/hpa`;
  if (!isJsonObject(hpa)) {
    out.push({ pointer: base, rule: 'hpa.type', value: hpa ?? null, message: 'hpa must be an object' });
    return;
  }
  const replicasOk: Record<string, number> = {};
  for (const key of ['minReplicas', 'maxReplicas'] as const) {
    if (!Object.hasOwn(hpa, key)) continue;
    const value = hpa[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      out.push({
        pointer: `${base}/${key}`,
        rule: 'hpa.replicas-type',
        value: value ?? null,
        message: `${key} must be a whole number >= 1`,
      });
    } else replicasOk[key] = value;
  }
  const { minReplicas, maxReplicas } = replicasOk;
  if (minReplicas !== undefined && maxReplicas !== undefined && minReplicas > maxReplicas) {
    out.push({
      pointer: `${base}/minReplicas`,
      rule: 'hpa.min-le-max',
      value: minReplicas,
      message: `minReplicas (${minReplicas}) is greater than maxReplicas (${maxReplicas})`,
      hint: `Set minReplicas <= ${maxReplicas} or raise maxReplicas to at least ${minReplicas}`,
    });
  }

  const utilization = {
    ...DEFAULT_HPA_RANGES.targetAverageUtilization,
    ...policy?.hpa?.targetAverageUtilization,
  };
  if (Object.hasOwn(hpa, 'targetAverageUtilization')) {
    const target = hpa.targetAverageUtilization;
    if (typeof target !== 'number' || target < utilization.min || target > utilization.max) {
      out.push({
        pointer: `${base}/targetAverageUtilization`,
        rule: 'hpa.target-utilization',
        value: target ?? null,
        message: `targetAverageUtilization must be a percentage within ${utilization.min}-${utilization.max}`,
        hint:
          typeof target === 'number' && target > 0 && target < 1
            ? `It looks like a fraction; write it in percent (${Math.round(target * 100)})`
            : `Choose a value between ${utilization.min} and ${utilization.max}`,
      });
    }
    const resource = typeof hpa.resource === 'string' ? hpa.resource : 'cpu';
    const requests =
      isJsonObject(w.resources) && isJsonObject(w.resources.requests) ? w.resources.requests : undefined;
    if (requests?.[resource] === undefined) {
      out.push({
        pointer: `${at}/resources/requests/${escapePointerToken(resource)}`,
        rule: 'hpa.request-required',
        value: null,
        message: `a utilization target needs resources.requests.${resource}: utilization is measured against the request`,
        hint: `Set resources.requests.${resource} on this workload (or drop hpa.targetAverageUtilization)`,
      });
    }
  }

  const tolerance = { ...DEFAULT_HPA_RANGES.tolerance, ...policy?.hpa?.tolerance };
  for (const key of ['tolerance', 'hysteresis'] as const) {
    if (!Object.hasOwn(hpa, key)) continue;
    const value = hpa[key];
    if (typeof value !== 'number' || value < tolerance.min || value > tolerance.max) {
      out.push({
        pointer: `${base}/${key}`,
        rule: 'hpa.tolerance',
        value: value ?? null,
        message: `${key} must be a fraction within ${tolerance.min}-${tolerance.max}`,
        hint:
          typeof value === 'number' && value >= 1
            ? `It looks like a percentage; write it as a fraction (${value / 100})`
            : `Choose a value between ${tolerance.min} and ${tolerance.max}`,
      });
    }
  }
}
