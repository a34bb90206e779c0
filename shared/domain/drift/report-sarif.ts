import type { DriftFinding, Severity } from './drift-finding.ts';
import type { DriftReport } from './drift-report.ts';
import { DRIFT_RULE_IDS, DRIFT_RULES, type DriftRuleId } from './drift-rules.ts';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** GitHub code scanning's `security-severity` (0-10) for each severity. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '7.5',
  medium: '5.0',
  low: '2.0',
  info: '0.0',
};

/**
 * The report as a SARIF 2.1.0 log: one run of the tool `plumbline-drift`
 * with every rule (default level and fix as help) and one result per
 * finding, located logically at `namespace/Kind/name` (a cluster has no
 * files). Report errors become tool execution notifications.
 *
 * @example JSON.stringify(renderReportSarif(report))
 */
export function renderReportSarif(report: DriftReport): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'plumbline-drift',
            rules: DRIFT_RULE_IDS.map((id) => {
              const rule = DRIFT_RULES[id];
              return {
                id,
                shortDescription: { text: rule.summary },
                help: { text: rule.fix },
                defaultConfiguration: { level: LEVELS[rule.severity] },
                properties: {
                  category: rule.category,
                  severity: rule.severity,
                  'security-severity': SECURITY_SEVERITY[rule.severity],
                },
              };
            }),
          },
        },
        automationDetails: { id: `plumbline-drift/${report.clusterName}/${report.id}` },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            endTimeUtc: report.scannedAt,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              descriptor: { id: e.code },
              message: { text: e.message },
            })),
          },
        ],
        results: report.findings.map((finding) => result(finding)),
        properties: {
          cluster: report.cluster,
          clusterName: report.clusterName,
          env: report.env,
          driftScore: report.driftScore,
          counts: report.counts,
          workloads: report.workloads,
          desiredState: report.desiredState,
        },
      },
    ],
  };
}

function result(finding: DriftFinding): Record<string, unknown> {
  const { namespace, kind, name } = finding.workload;
  const properties: Record<string, unknown> = { severity: finding.severity, category: finding.category };
  for (const key of [
    'service',
    'pointer',
    'objectPath',
    'expected',
    'actual',
    'magnitude',
    'tolerance',
  ] as const) {
    if (finding[key] !== undefined) properties[key] = finding[key];
  }
  return {
    ruleId: finding.rule,
    ruleIndex: DRIFT_RULE_IDS.indexOf(finding.rule as DriftRuleId),
    level: LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        logicalLocations: [{ fullyQualifiedName: `${namespace}/${kind}/${name}`, name, kind: 'resource' }],
        ...(finding.objectPath ? { message: { text: finding.objectPath } } : {}),
      },
    ],
    partialFingerprints: {
      'plumbline/v1': `${namespace}/${kind}/${name}/${finding.rule}/${finding.pointer ?? finding.objectPath ?? ''}`,
    },
    properties,
  };
}
