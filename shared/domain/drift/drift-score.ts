import type { COUNTED_SEVERITIES, DriftFinding } from './drift-finding.ts';

/** The points one finding of each severity weighs in the score. */
export const SEVERITY_WEIGHTS = { critical: 10, high: 5, medium: 2, low: 1, info: 0 } as const;
/** Points per workload at which the score reaches 50. */
export const SCORE_HALF_POINTS_PER_WORKLOAD = 10;

/** Findings counted by severity (`info` notes are not counted). */
export type SeverityCounts = Record<(typeof COUNTED_SEVERITIES)[number], number>;

/** Counts findings by severity. */
export function countBySeverity(findings: readonly DriftFinding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) if (finding.severity !== 'info') counts[finding.severity]++;
  return counts;
}

/**
 * The drift score, 0 (no drift) to 100: `P` = the sum of the findings'
 * severity weights (critical 10, high 5, medium 2, low 1, info 0), `W` =
 * the workloads compared (at least 1); score = ceil(100 · P / (P + 10 · W)).
 * It grows with every finding, never reaches 100, is 50 when the findings
 * weigh 10 points per workload, and any counted finding makes it at least 1.
 *
 * @example driftScore({ critical: 1, high: 0, medium: 0, low: 0 }, 1) // 50
 */
export function driftScore(counts: SeverityCounts, workloads: number): number {
  const points =
    counts.critical * SEVERITY_WEIGHTS.critical +
    counts.high * SEVERITY_WEIGHTS.high +
    counts.medium * SEVERITY_WEIGHTS.medium +
    counts.low * SEVERITY_WEIGHTS.low;
  if (points === 0) return 0;
  const scale = SCORE_HALF_POINTS_PER_WORKLOAD * Math.max(1, workloads);
  return Math.min(99, Math.ceil((100 * points) / (points + scale)));
}
