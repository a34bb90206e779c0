/**
 * Kubernetes resource quantities (`100m`, `2`, `1.5`, `512Mi`, `1Gi`, `1e3`,
 * `500k`): a signed decimal number with an optional binary-SI suffix
 * (Ki Mi Gi Ti Pi Ei), decimal-SI suffix (n u m k M G T P E) or decimal
 * exponent (`e3`, `E-2`), as `k8s.io/apimachinery` parses them.
 */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a quantity into base units (cores for CPU, bytes for memory, a
 * count for GPUs). A JSON number is taken as is. Returns `undefined` for
 * anything that is not a quantity.
 *
 * @example parseQuantity('100m') // 0.1
 * @example parseQuantity('512Mi') // 536870912
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim() === value ? value : '');
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const base = Number(number);
  if (/^[eE]/.test(suffix)) return Number((base * 10 ** Number(suffix.slice(1))).toPrecision(15));
  const multiplier = MULTIPLIERS[suffix];
  if (multiplier === undefined || !Number.isFinite(base)) return undefined;
  // Round away binary floating-point noise (0.1 * 3 ...) at a precision far below a nano-unit.
  const raw = base * multiplier;
  return Number.isInteger(raw) ? raw : Number(raw.toPrecision(15));
}

/** True when `value` is a quantity {@link parseQuantity} accepts. */
export function isQuantity(value: unknown): boolean {
  return parseQuantity(value) !== undefined;
}
