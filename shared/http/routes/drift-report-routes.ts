import * as v from 'valibot';
import { REPORT_CSP } from '../../domain/drift/report-html.ts';
import { ValidationError } from '../../domain/errors.ts';
import { listReports, readReport, reportSummaryView } from '../../use-cases/drift/read-reports.ts';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, pageQuery } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

const ReportId = v.pipe(v.string(), v.regex(/^s[0-9a-z]{9}[0-9a-f]{8}$/, 'must be a report id'));
const tags = ['drift'];

/** Routes of drift reports (issue 14): the listing and one report as JSON, HTML or SARIF. */
export const driftReportRoutes: Route[] = [
  defineRoute({
    id: 'listDriftReports',
    method: 'GET',
    path: '/v1/drift/reports',
    context: 'clusters',
    permission: 'settings:read',
    summary: 'List drift reports, newest first',
    tags,
    query: v.object({
      ...pageQuery(50).entries,
      cluster: v.optional(v.pipe(v.string(), v.regex(/^c-[0-9a-f]{12}$/, 'must be a cluster id'))),
      env: v.optional(NameSchema),
      since: v.optional(v.pipe(v.string(), v.isoTimestamp('must be an ISO timestamp'))),
      cursor: v.optional(
        v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be a cursor from nextCursor')),
      ),
    }),
    responses: {
      200: {
        description: 'Report summaries and the next cursor',
        schema: v.object({
          items: v.array(v.looseObject({ id: v.string() })),
          nextCursor: v.nullable(v.string()),
        }),
      },
      ...readProblems(),
    },
    handle: async ({ query, principal }, deps) => {
      if (query.cursor && !Buffer.from(query.cursor, 'base64url').toString('utf8').startsWith('report#')) {
        throw new ValidationError('The cursor is not valid', [
          { pointer: '/query/cursor', rule: 'cursor', message: 'must be a cursor from nextCursor' },
        ]);
      }
      const page = await listReports(deps, principal, {
        limit: query.limit,
        ...(query.cluster ? { cluster: query.cluster } : {}),
        ...(query.env ? { env: query.env } : {}),
        ...(query.since ? { since: new Date(query.since).toISOString() } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return json(200, { items: page.items.map(reportSummaryView), nextCursor: page.next });
    },
  }),
  defineRoute({
    id: 'getDriftReport',
    method: 'GET',
    path: '/v1/drift/reports/{id}',
    context: 'clusters',
    permission: 'settings:read',
    summary: 'One drift report: JSON, the HTML page (`Accept: text/html` or `?format=html`) or SARIF 2.1.0',
    tags,
    params: v.object({ id: ReportId }),
    query: v.object({ format: v.optional(v.picklist(['json', 'html', 'sarif'])) }),
    responses: {
      200: { description: 'The report', schema: v.looseObject({ id: v.string() }) },
      ...readProblems({ notFound: 'No such report' }),
    },
    handle: async ({ params, query, headers, principal }, deps) => {
      const format =
        query.format ??
        ((headers.accept ?? '').split(',')[0]?.trim().startsWith('text/html') ? 'html' : 'json');
      const body = await readReport(deps, principal, params.id, format);
      if (format === 'html') {
        return {
          status: 200,
          rawBody: body,
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': REPORT_CSP },
        };
      }
      return {
        status: 200,
        rawBody: body,
        headers: { 'content-type': format === 'sarif' ? 'application/sarif+json' : 'application/json' },
      };
    },
  }),
];
