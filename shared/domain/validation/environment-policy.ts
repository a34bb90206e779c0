import type { Violation } from '../errors.ts';
import { parseQuantity } from '../quantity.ts';

/** A `{min, max}` pair; quantities for CPU and memory, numbers for the rest. */
export interface Bounds<T = string | number> {
  min?: T;
  max?: T;
}

/** The rules an environment imposes on every effective configuration in it. */
export interface EnvironmentPolicy {
  /** Image prefixes (`registry.example.com/`, `ghcr.io/acme/`); an image must start with one. */
  allowedRegistries?: string[];
  /** Label keys every workload must carry (`team`, `cost-center` ...). */
  requiredLabels?: string[];
  resources?: { cpu?: Bounds; memory?: Bounds; gpu?: Bounds<number> };
  /** Narrow or widen the built-in HPA ranges (utilization 70-80 %, tolerance 0.05-0.10). */
  hpa?: { targetAverageUtilization?: Bounds<number>; tolerance?: Bounds<number> };
}

/** Built-in HPA ranges, used where a policy does not say otherwise. */
export const DEFAULT_HPA_RANGES = {
  targetAverageUtilization: { min: 70, max: 80 },
  tolerance: { min: 0.05, max: 0.1 },
} as const;

/**
 * Checks a policy document itself: quantities parse, GPU bounds are whole
 * numbers, and every `min <= max`. Returns every problem, with pointers
 * relative to `prefix`.
 *
 * @example checkPolicyDocument({ resources: { cpu: { min: 'lots' } } }) // [{ pointer: '/resources/cpu/min', rule: 'policy.quantity', ... }]
 */
export function checkPolicyDocument(policy: EnvironmentPolicy, prefix = ''): Violation[] {
  const out: Violation[] = [];
  const pair = (
    path: string,
    bounds: Bounds | undefined,
    parse: (v: unknown) => number | undefined,
    kind: string,
  ) => {
    if (!bounds) return;
    const parsed: Record<string, number | undefined> = {};
    for (const side of ['min', 'max'] as const) {
      const raw = bounds[side];
      if (raw === undefined) continue;
      parsed[side] = parse(raw);
      if (parsed[side] === undefined) {
        out.push({
          pointer: `${prefix}${path}/${side}`,
          rule: 'policy.bound-format',
          value: raw,
          message: `${side} is not a valid ${kind}`,
          hint:
            kind === 'quantity' ? 'Use a Kubernetes quantity such as 100m, 2, 512Mi or 1Gi' : `Use a ${kind}`,
        });
      }
    }
    if (parsed.min !== undefined && parsed.max !== undefined && parsed.min > parsed.max) {
      out.push({
        pointer: `${prefix}${path}`,
        rule: 'policy.bounds-order',
        value: { min: bounds.min ?? null, max: bounds.max ?? null },
        message: 'min is greater than max',
        hint: 'Swap min and max',
      });
    }
  };
  const wholeNumber = (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  const percent = (v: unknown) => (typeof v === 'number' && v > 0 && v <= 100 ? v : undefined);
  const fraction = (v: unknown) => (typeof v === 'number' && v >= 0 && v < 1 ? v : undefined);
  pair('/resources/cpu', policy.resources?.cpu, parseQuantity, 'quantity');
  pair('/resources/memory', policy.resources?.memory, parseQuantity, 'quantity');
  pair('/resources/gpu', policy.resources?.gpu, wholeNumber, 'whole number of GPUs (0, 1, 2 ...)');
  pair(
    '/hpa/targetAverageUtilization',
    policy.hpa?.targetAverageUtilization,
    percent,
    'percentage between 1 and 100',
  );
  pair('/hpa/tolerance', policy.hpa?.tolerance, fraction, 'fraction between 0 and 1 (0.05 = 5 %)');
  return out;
}
