import type { JsonValue } from '../json-value.ts';
import type { WorkloadRef } from './observed-state.ts';

/** Severities a finding can carry; `info` is a note that counts toward nothing. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** The severities counted in a report and weighed in the score. */
export const COUNTED_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** The four kinds of drift. */
export type DriftCategory = 'structural' | 'value' | 'semantic' | 'compliance';

/** One finding of a scan, in the report's shape. */
export interface DriftFinding {
  workload: WorkloadRef;
  service?: string;
  category: DriftCategory;
  rule: string;
  /** A JSON pointer into the service's settings (`/resources/requests/cpu`). */
  pointer?: string;
  /** The field of the Kubernetes object (`spec.template.spec.containers[server].image`). */
  objectPath?: string;
  expected?: JsonValue;
  actual?: JsonValue;
  /** How far off: relative for quantities and counts, 1 for a differing string. */
  magnitude?: number;
  tolerance?: number;
  severity: Severity;
  message: string;
}
