import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import {
  type ApiOptions,
  apiClient,
  type CliContext,
  exclusiveOptions,
  positiveInt,
  withApiOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, visible } from '../output.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

interface ScanView {
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  reportId?: string;
  error?: string;
}

interface ReportSummaryView {
  id: string;
  cluster: string;
  clusterName: string;
  env: string;
  scannedAt: string;
  driftScore: number;
  counts: { critical: number; high: number; medium: number; low: number };
  workloads: number;
  errors: number;
}

interface ReportView extends Omit<ReportSummaryView, 'errors'> {
  findings: {
    workload: { namespace: string; kind: string; name: string };
    rule: string;
    severity: string;
    message: string;
  }[];
  errors: { code: string; message: string }[];
}

const counts = (c: ReportSummaryView['counts']) => `${c.critical}/${c.high}/${c.medium}/${c.low}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `plumb drift scan|reports|show` (issue 14): on-demand scans (with
 * `--wait`, progress on stderr), the report listing, and one report as a
 * findings table, its HTML page (`--html FILE`) or SARIF (`--sarif`).
 */
export function driftCommand(ctx: CliContext): Command {
  const drift = new Command('drift').description('drift scans and reports');

  withApiOptions(drift.command('scan <cluster>'))
    .description('start a scan of a registered cluster (editor)')
    .option('--wait', 'wait until it finishes, showing progress on stderr')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '300')
    .option('--interval <ms>', 'with --wait: how often to ask', '1000')
    .action(async (cluster: string, options: Opts) => {
      const client = apiClient(ctx, options);
      const base = `/v1/clusters/${encodeURIComponent(cluster)}/scans`;
      const { scanId } = (await client.request('POST', base)).body as { scanId: string };
      if (!options.wait) {
        if (options.json) return ctx.output.out(JSON.stringify({ scanId }));
        return ctx.output.out(`scan ${scanId} queued; follow it with plumb drift scan ${cluster} --wait`);
      }
      const timeoutMs = (positiveInt('--timeout', options.timeout as string) ?? 300) * 1000;
      const intervalMs = positiveInt('--interval', options.interval as string) ?? 1000;
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        const scan = (await client.request('GET', `${base}/${encodeURIComponent(scanId)}`)).body as ScanView;
        if (scan.state !== last) ctx.output.err(`scan ${scanId}: ${scan.state}`);
        last = scan.state;
        if (scan.state === 'succeeded' || scan.state === 'failed') {
          if (options.json) ctx.output.out(JSON.stringify({ scanId, ...scan }));
          else if (scan.reportId)
            ctx.output.out(`report ${scan.reportId}: plumb drift show ${scan.reportId}`);
          if (scan.state === 'failed')
            throw new Error(`scan ${scanId} failed: ${visible(scan.error ?? 'see the report')}`);
          return;
        }
        if (Date.now() > deadline)
          throw new Error(`scan ${scanId} still ${scan.state} after ${timeoutMs / 1000} s`);
        await sleep(intervalMs);
      }
    });

  withApiOptions(drift.command('reports'))
    .description('list drift reports, newest first')
    .option('--cluster <id>', 'only this cluster')
    .option('--env <env>', 'only this environment')
    .option('--since <time>', 'only reports since this ISO time')
    .option('--limit <n>', 'reports per page (1-100)')
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action(async (options: Opts) => {
      const limit = positiveInt('--limit', options.limit as string | undefined);
      const query = new URLSearchParams();
      for (const name of ['cluster', 'env', 'since', 'cursor'] as const) {
        if (typeof options[name] === 'string') query.set(name, options[name] as string);
      }
      if (limit !== undefined) query.set('limit', String(limit));
      const q = query.toString();
      const res = await apiClient(ctx, options).request('GET', `/v1/drift/reports${q ? `?${q}` : ''}`);
      const page = res.body as { items: ReportSummaryView[]; nextCursor: string | null };
      if (options.json) return ctx.output.out(JSON.stringify(page, null, 2));
      ctx.output.out(
        table(
          ['ID', 'CLUSTER', 'ENV', 'SCANNED', 'SCORE', 'C/H/M/L', 'ERRORS'],
          page.items.map((r) => [
            r.id,
            r.clusterName,
            r.env,
            r.scannedAt,
            r.driftScore,
            counts(r.counts),
            r.errors,
          ]),
        ),
      );
      if (page.nextCursor) ctx.output.out(`more: --cursor ${page.nextCursor}`);
    });

  exclusiveOptions(
    withApiOptions(drift.command('show <id>'))
      .description('show a report: its findings, or --html FILE (the readable page), or --sarif')
      .option('--html <file>', 'write the HTML report to this file')
      .option('--sarif', 'print the SARIF 2.1.0 log'),
    'html',
    'sarif',
    'json',
  ).action(async (id: string, options: Opts) => {
    const client = apiClient(ctx, options);
    const reportPath = `/v1/drift/reports/${encodeURIComponent(id)}`;
    if (typeof options.html === 'string') {
      const res = await client.request('GET', `${reportPath}?format=html`, {
        headers: { accept: 'text/html' },
      });
      try {
        await writeFile(options.html, String(res.body));
      } catch (error) {
        throw new UsageError(`Cannot write ${options.html}: ${(error as Error).message}`);
      }
      return ctx.output.out(`wrote ${options.html}`);
    }
    if (options.sarif) {
      const res = await client.request('GET', `${reportPath}?format=sarif`);
      return ctx.output.out(JSON.stringify(res.body, null, 2));
    }
    const report = (await client.request('GET', reportPath)).body as ReportView;
    if (options.json) return ctx.output.out(JSON.stringify(report, null, 2));
    ctx.output.out(
      [
        `report ${report.id}: cluster ${visible(report.clusterName)} (${report.cluster}), env ${report.env}, scanned ${report.scannedAt}`,
        `drift score ${report.driftScore}/100; critical ${report.counts.critical}, high ${report.counts.high}, medium ${report.counts.medium}, low ${report.counts.low}; ${report.workloads} workloads`,
        ...report.errors.map((e) => `error: ${visible(e.code)}: ${visible(e.message)}`),
        '',
        table(
          ['SEVERITY', 'WORKLOAD', 'RULE', 'MESSAGE'],
          report.findings.map((f) => [
            f.severity,
            `${f.workload.namespace}/${f.workload.kind}/${f.workload.name}`,
            f.rule,
            f.message,
          ]),
        ),
      ].join('\n'),
    );
  });

  return drift;
}
