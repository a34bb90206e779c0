import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ReportPage, ReportQuery, ReportSummary } from '../../ports/cluster-store.ts';
import type { ClustersDeps } from '../clusters/clusters-deps.ts';

/** A report format the API serves. */
export type ReportFormat = 'json' | 'html' | 'sarif';

/**
 * A page of the caller's report summaries, newest first, filtered by
 * cluster, environment and time.
 *
 * @example const { items, next } = await listReports(deps, principal, { env: 'prod', limit: 50 });
 */
export function listReports(
  deps: Pick<ClustersDeps, 'clusters'>,
  principal: Principal,
  query: ReportQuery,
): Promise<ReportPage> {
  return deps.clusters.listReports(principal.tenantId, query);
}

/** A report summary without the tenant and storage keys, as the listing shows it. */
export function reportSummaryView(summary: ReportSummary): Omit<ReportSummary, 'tenantId' | 'keys'> {
  const { tenantId: _tenant, keys: _keys, ...view } = summary;
  return view;
}

/**
 * One report file (JSON, HTML or SARIF) of the caller's tenant; 404 for
 * another tenant's id.
 *
 * @example const html = await readReport(deps, principal, 's0lz...', 'html');
 */
export async function readReport(
  deps: Pick<ClustersDeps, 'clusters' | 'reports'>,
  principal: Principal,
  id: string,
  format: ReportFormat,
): Promise<string> {
  const summary = await deps.clusters.getReport(principal.tenantId, id);
  const body = summary ? await deps.reports.get(summary.keys[format]) : null;
  if (body === null) throw new NotFoundError(`No drift report '${id}'`);
  return body;
}
