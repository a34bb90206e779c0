import type { DriftReport } from '../../domain/drift/drift-report.ts';
import { DRIFT_RULES, type DriftRuleId } from '../../domain/drift/drift-rules.ts';
import type { ClusterRecord } from '../../ports/cluster-store.ts';
import type { ScannerDeps } from './scanner-deps.ts';

/** Findings listed in an alert at most; the rest are counted. */
const LISTED = 10;

/** The link to a report's readable page. */
export function reportHtmlLink(publicUrl: string, reportId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/drift/reports/${encodeURIComponent(reportId)}?format=html`;
}

/**
 * Publishes one alert when a report has high or critical findings: which
 * cluster, how many, the worst findings with their one-line fix, and the
 * link to the HTML report (SNS on AWS, the outbox locally). Nothing
 * otherwise.
 *
 * @example await publishDriftAlert(deps, cluster, report);
 */
export async function publishDriftAlert(
  deps: Pick<ScannerDeps, 'notifier' | 'publicUrl'>,
  cluster: ClusterRecord,
  report: DriftReport,
): Promise<boolean> {
  const urgent = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  if (urgent.length === 0) return false;
  urgent.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  const link = reportHtmlLink(deps.publicUrl(), report.id);
  const lines = urgent.slice(0, LISTED).map((f) => {
    const where = `${f.workload.namespace}/${f.workload.kind}/${f.workload.name}`;
    return `- [${f.severity}] ${where}: ${f.message}. Fix: ${DRIFT_RULES[f.rule as DriftRuleId]?.fix ?? 'see the report'}`;
  });
  if (urgent.length > LISTED) lines.push(`- ... and ${urgent.length - LISTED} more`);
  await deps.notifier.send({
    kind: 'drift-alert',
    tenantId: cluster.tenantId,
    requestId: report.id,
    to: `cluster:${cluster.id}`,
    subject: `[Plumbline] Drift in ${cluster.name} (${cluster.env}): ${report.counts.critical} critical, ${report.counts.high} high`,
    text: [
      `Cluster ${cluster.name} in environment ${cluster.env} drifts from its settings (score ${report.driftScore}/100).`,
      '',
      ...lines,
      '',
      `Read the report: ${link}`,
    ].join('\n'),
    reportUrl: link,
  });
  return true;
}
