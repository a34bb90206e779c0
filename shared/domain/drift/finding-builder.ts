import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import type { DriftFinding, Severity } from './drift-finding.ts';
import { DRIFT_RULES, type DriftRuleId } from './drift-rules.ts';

/** A finding without its category and severity, which the rule and policy decide. */
export type FindingFields = Omit<DriftFinding, 'category' | 'severity' | 'rule'>;

/** Emits findings of the rules with the policy's severity overrides applied. */
export type FindingSink = (rule: DriftRuleId, fields: FindingFields) => void;

/**
 * The severity of a rule under a policy: the `severity` entry for the rule
 * id, else for its category, else the rule's default. `info` notes stay
 * `info`.
 *
 * @example severityOf('image-drift', { severity: { value: 'low' } }) // 'low'
 */
export function severityOf(rule: DriftRuleId, policy: Pick<DriftPolicy, 'severity'>): Severity {
  const { category, severity } = DRIFT_RULES[rule];
  if (severity === 'info') return 'info';
  const overrides = policy.severity ?? {};
  if (Object.hasOwn(overrides, rule)) return overrides[rule] as Severity;
  if (Object.hasOwn(overrides, category)) return overrides[category] as Severity;
  return severity;
}

/**
 * A sink that appends findings to `out`, in the order of the contract's
 * field list (so reports read the same every time).
 */
export function findingSink(policy: Pick<DriftPolicy, 'severity'>, out: DriftFinding[]): FindingSink {
  return (rule, fields) => {
    const { workload, service, message, ...rest } = fields;
    out.push({
      workload,
      ...(service === undefined ? {} : { service }),
      category: DRIFT_RULES[rule].category,
      rule,
      ...rest,
      severity: severityOf(rule, policy),
      message,
    });
  };
}
