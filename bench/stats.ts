/** Summary statistics the bench reports. */
export interface Summary {
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  n: number;
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Median, p90, p99, min, max of a sample. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
    n: sorted.length,
  };
}

/** Rounds to 2 decimals (3 significant digits below 1). */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) < 1 ? Math.round(value * 1000) / 1000 : Math.round(value * 100) / 100;
}

/** `a / b` rounded; `null` when undefined. */
export function ratio(a: number, b: number): number | null {
  return b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? null : round(a / b);
}
