import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import { pointerAndParents } from './drift-pointers.ts';

/**
 * The tolerance for a settings pointer: the policy's entry for the pointer,
 * else for its nearest parent (`/resources/requests` covers cpu and
 * memory), else `default`, else 0.
 *
 * @example toleranceFor('/resources/requests/cpu', { tolerances: { default: 0.1, '/resources': 0.2 } }) // 0.2
 */
export function toleranceFor(pointer: string, policy: Pick<DriftPolicy, 'tolerances'>): number {
  const tolerances = policy.tolerances ?? NO_TOLERANCES;
  // Why a cache: the engine asks for the same few pointers for every workload of a scan.
  let cached = CACHE.get(tolerances);
  if (!cached) {
    cached = new Map();
    CACHE.set(tolerances, cached);
  }
  const hit = cached.get(pointer);
  if (hit !== undefined) return hit;
  const found = lookup(pointer, tolerances);
  cached.set(pointer, found);
  return found;
}

const NO_TOLERANCES: Record<string, number> = {};
const CACHE = new WeakMap<Record<string, number>, Map<string, number>>();

function lookup(pointer: string, tolerances: Record<string, number>): number {
  for (const at of pointerAndParents(pointer)) {
    if (Object.hasOwn(tolerances, at)) return tolerances[at] as number;
  }
  return Object.hasOwn(tolerances, 'default') ? (tolerances.default as number) : 0;
}

/**
 * How far `actual` is from `expected`, relative to `expected`
 * (`|actual - expected| / |expected|`); when `expected` is 0, the absolute
 * difference. Scale-invariant: multiplying both by the same factor keeps it.
 *
 * @example relativeMagnitude(1, 1.1) // 0.1 (within float rounding)
 */
export function relativeMagnitude(expected: number, actual: number): number {
  const difference = Math.abs(actual - expected);
  return expected === 0 ? difference : difference / Math.abs(expected);
}

/**
 * True when the relative difference is beyond the tolerance. A margin of
 * 1e-9 absorbs binary floating-point noise (`0.1 + 0.2`), so a difference of
 * exactly the tolerance is never drift.
 */
export function beyondTolerance(magnitude: number, tolerance: number): boolean {
  return magnitude > tolerance + 1e-9;
}
