import type { DriftCategory, Severity } from './drift-finding.ts';

/** A rule of the drift engine: its category, default severity and the one-line fix a report shows. */
export interface DriftRule {
  category: DriftCategory;
  severity: Severity;
  /** What the rule checks, for SARIF rule descriptions and docs/drift.md. */
  summary: string;
  /** How to fix a finding, in one line. */
  fix: string;
}

/**
 * Every rule, with its default severity (docs/drift.md lists the same
 * table). A drift policy's `severity` map overrides by rule id first, then
 * by category.
 */
export const DRIFT_RULES = {
  'workload-missing': {
    category: 'structural',
    severity: 'critical',
    summary: 'A service is mapped to a workload the cluster does not have',
    fix: 'Deploy the workload, or correct the mapping in the drift policy',
  },
  'workload-unmapped': {
    category: 'structural',
    severity: 'low',
    summary: 'A watched workload that no service maps to',
    fix: 'Map a service to it in the drift policy, or stop labelling it for drift monitoring',
  },
  'container-missing': {
    category: 'structural',
    severity: 'high',
    summary: 'The mapped container is not in the pod template',
    fix: 'Set the container name in the drift policy mapping, or restore the container',
  },
  'hpa-missing': {
    category: 'structural',
    severity: 'high',
    summary: 'The settings have an hpa but no HorizontalPodAutoscaler targets the workload',
    fix: 'Create the HorizontalPodAutoscaler from the settings',
  },
  'image-drift': {
    category: 'value',
    severity: 'high',
    summary: 'The container image differs from the settings',
    fix: 'Roll out the image the settings name, or update the settings',
  },
  'resources-drift': {
    category: 'value',
    severity: 'medium',
    summary: 'A container request or limit differs from the settings beyond tolerance',
    fix: 'Apply the resources of the settings to the container',
  },
  'replicas-drift': {
    category: 'value',
    severity: 'medium',
    summary: 'spec.replicas differs from the settings beyond tolerance (workloads without an HPA)',
    fix: 'Scale the workload to the replicas of the settings',
  },
  'labels-drift': {
    category: 'value',
    severity: 'low',
    summary: 'A label of the settings is missing or different on the workload',
    fix: 'Set the label on the workload metadata',
  },
  'security-context-drift': {
    category: 'value',
    severity: 'high',
    summary: 'A securityContext field differs from the settings',
    fix: 'Apply the securityContext of the settings to the pod or container',
  },
  'replicas-outside-hpa-range': {
    category: 'semantic',
    severity: 'high',
    summary: 'spec.replicas is outside the HPA [minReplicas, maxReplicas]',
    fix: 'Let the HPA own spec.replicas (remove it from the manifest) or fix the HPA bounds',
  },
  'hpa-min-drift': {
    category: 'semantic',
    severity: 'medium',
    summary: 'HPA minReplicas differs from the settings beyond tolerance',
    fix: 'Set the HPA minReplicas of the settings',
  },
  'hpa-max-drift': {
    category: 'semantic',
    severity: 'medium',
    summary: 'HPA maxReplicas differs from the settings beyond tolerance',
    fix: 'Set the HPA maxReplicas of the settings',
  },
  'hpa-target-drift': {
    category: 'semantic',
    severity: 'medium',
    summary: 'HPA target CPU utilization differs from the settings beyond tolerance',
    fix: 'Set the HPA averageUtilization of the settings',
  },
  'hpa-target-out-of-range': {
    category: 'semantic',
    severity: 'medium',
    summary:
      "HPA target CPU utilization outside the environment's range (70-80 % unless the policy says otherwise)",
    fix: "Choose a target utilization inside the environment's range",
  },
  'hpa-tolerance-drift': {
    category: 'semantic',
    severity: 'low',
    summary: 'HPA scale-up or scale-down tolerance differs from hpa.tolerance (or hysteresis)',
    fix: 'Set spec.behavior.scaleUp/scaleDown.tolerance to the settings value',
  },
  'hpa-tolerance-not-comparable': {
    category: 'semantic',
    severity: 'info',
    summary: 'The HPA has no behavior tolerance (Kubernetes before 1.33): hpa.tolerance not compared',
    fix: 'Upgrade to Kubernetes 1.33+ and set spec.behavior tolerances to compare them',
  },
  'hpa-unexpected': {
    category: 'semantic',
    severity: 'low',
    summary: 'An HPA targets the workload but the settings have no hpa',
    fix: 'Add hpa to the settings, or remove the HorizontalPodAutoscaler',
  },
  'replicas-flapping': {
    category: 'semantic',
    severity: 'medium',
    summary: 'Replicas changed direction 3 or more times over the last scans',
    fix: 'Widen the HPA tolerance or stabilization window, or check the metric',
  },
  'hpa-saturated': {
    category: 'semantic',
    severity: 'high',
    summary: 'The HPA has been pinned at maxReplicas over the last 3 scans',
    fix: 'Raise maxReplicas or add capacity: the workload cannot scale further',
  },
  'requests-missing': {
    category: 'compliance',
    severity: 'medium',
    summary: 'A container has no CPU or memory request',
    fix: 'Set resources.requests.cpu and resources.requests.memory',
  },
  'limits-missing': {
    category: 'compliance',
    severity: 'medium',
    summary: 'A container has no CPU or memory limit',
    fix: 'Set resources.limits.cpu and resources.limits.memory',
  },
  'run-as-root': {
    category: 'compliance',
    severity: 'high',
    summary: 'runAsNonRoot is not true, or runAsUser is 0',
    fix: 'Set securityContext.runAsNonRoot: true and a non-zero runAsUser',
  },
  privileged: {
    category: 'compliance',
    severity: 'critical',
    summary: 'A container runs privileged',
    fix: 'Remove securityContext.privileged: true',
  },
  'privilege-escalation': {
    category: 'compliance',
    severity: 'high',
    summary: 'allowPrivilegeEscalation is not false',
    fix: 'Set securityContext.allowPrivilegeEscalation: false',
  },
  'image-latest': {
    category: 'compliance',
    severity: 'medium',
    summary: 'An image uses :latest or has no tag or digest',
    fix: 'Pin the image to a version tag or a digest',
  },
  'image-registry': {
    category: 'compliance',
    severity: 'high',
    summary: "An image is outside the environment policy's allowed registries",
    fix: 'Use an image from an allowed registry',
  },
  'labels-required': {
    category: 'compliance',
    severity: 'low',
    summary: 'A label the environment policy requires is missing',
    fix: 'Add the required label to the workload metadata',
  },
  'hpa-min-below-2': {
    category: 'compliance',
    severity: 'medium',
    summary: 'HPA minReplicas below 2 in a protected environment',
    fix: 'Set minReplicas to 2 or more for availability',
  },
} as const satisfies Record<string, DriftRule>;

/** A rule id. */
export type DriftRuleId = keyof typeof DRIFT_RULES;

/** The rule ids, for the policy schema and SARIF. */
export const DRIFT_RULE_IDS = Object.keys(DRIFT_RULES) as DriftRuleId[];

/** The categories a policy's severity map may name. */
export const DRIFT_CATEGORIES = ['structural', 'value', 'semantic', 'compliance'] as const;
