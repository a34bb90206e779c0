import { createHash } from 'node:crypto';
import type { JsonValue } from '../json-value.ts';
import type { DriftFinding, Severity } from './drift-finding.ts';
import type { DriftReport } from './drift-report.ts';
import { DRIFT_RULES, type DriftRuleId } from './drift-rules.ts';

const STYLE = `
:root{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f6f7f9}
body{margin:0;padding:24px;max-width:1280px}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#5a6270;margin:0 0 16px}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:20px}
.card{background:#fff;border:1px solid #dfe2e7;border-radius:8px;padding:10px 16px;min-width:96px}
.card b{display:block;font-size:26px}
.score b{font-size:34px}
.sev{display:inline-block;border-radius:4px;padding:1px 7px;font-size:12px;font-weight:600;text-transform:uppercase}
.critical{background:#7a0916;color:#fff}.high{background:#d1242f;color:#fff}.medium{background:#f0b400;color:#1d2330}
.low{background:#d9e4f5;color:#1d2330}.info{background:#eceef1;color:#5a6270}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dfe2e7}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #eceef1}
thead th{background:#eef1f5;font-size:13px}
tbody th{background:#fafbfc;font-size:14px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.errors{background:#fff4f4;border:1px solid #f1c0c0;border-radius:8px;padding:8px 16px;margin-bottom:16px}
.empty{padding:16px;background:#fff;border:1px solid #dfe2e7;border-radius:8px}
`;

/**
 * The Content-Security-Policy of the HTML report: nothing may load or run;
 * only the report's own inline style (by hash). The page carries it in a
 * meta tag; a server sending the page should also send it as a header.
 */
export const REPORT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** {@link REPORT_CSP} minus `frame-ancestors`, which browsers ignore (and warn about) in a meta tag. */
const META_CSP = REPORT_CSP.replace(/; frame-ancestors 'none'$/, '');

const ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const show = (value: JsonValue | undefined): string =>
  value === undefined
    ? ''
    : `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`;

function row(finding: DriftFinding): string {
  const rule = DRIFT_RULES[finding.rule as DriftRuleId];
  const where = finding.pointer ?? finding.objectPath ?? '';
  return `<tr><td><span class="sev ${finding.severity}">${finding.severity}</span></td><td>${escapeHtml(finding.rule)}<br><small>${escapeHtml(finding.message)}</small></td><td>${where ? `<code>${escapeHtml(where)}</code>` : ''}</td><td>${show(finding.expected)}</td><td>${show(finding.actual)}</td><td>${escapeHtml(rule?.fix ?? '')}</td></tr>`;
}

/**
 * The readable report: score, counts, errors, and a table of findings
 * grouped by workload (worst first) with expected/actual and a one-line
 * fix. Self-contained (no script, no external asset, a strict CSP), every
 * value escaped.
 *
 * @example const html = renderReportHtml(report); // '<!doctype html>...'
 */
export function renderReportHtml(report: DriftReport): string {
  const groups = new Map<string, DriftFinding[]>();
  for (const finding of report.findings) {
    const { namespace, kind, name } = finding.workload;
    const key = `${namespace}/${kind}/${name}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  const worst = (findings: DriftFinding[]) => Math.min(...findings.map((f) => ORDER[f.severity]));
  const sorted = [...groups.entries()].sort(
    ([a, fa], [b, fb]) => worst(fa) - worst(fb) || a.localeCompare(b),
  );
  const bodies = sorted.map(([key, findings]) => {
    const service = findings.find((f) => f.service)?.service;
    const ordered = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    return `<tbody><tr><th colspan="6">${escapeHtml(key)}${service ? ` <small>(service ${escapeHtml(service)})</small>` : ''} — ${findings.length} finding${findings.length === 1 ? '' : 's'}</th></tr>${ordered.map(row).join('')}</tbody>`;
  });
  const counts = (['critical', 'high', 'medium', 'low'] as const)
    .map((s) => `<div class="card"><span class="sev ${s}">${s}</span><b>${report.counts[s]}</b></div>`)
    .join('');
  const errors =
    report.errors.length === 0
      ? ''
      : `<div class="errors"><h2>Errors</h2><ul>${report.errors.map((e) => `<li><code>${escapeHtml(e.code)}</code> ${escapeHtml(e.message)}</li>`).join('')}</ul></div>`;
  const table =
    bodies.length === 0
      ? '<p class="empty">No drift: every watched workload matches its settings.</p>'
      : `<table><thead><tr><th>Severity</th><th>Rule</th><th>Field</th><th>Expected</th><th>Actual</th><th>Fix</th></tr></thead>${bodies.join('')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(META_CSP)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Drift report ${escapeHtml(report.clusterName)} (${escapeHtml(report.env)})</title>
<style>${STYLE}</style></head>
<body><h1>Drift report: ${escapeHtml(report.clusterName)}</h1>
<p class="meta">Environment ${escapeHtml(report.env)} · scanned ${escapeHtml(report.scannedAt)} in ${report.durationMs} ms · ${report.workloads} workloads · drift policy v${report.desiredState.driftPolicy} · desired state <code>${escapeHtml(report.desiredState.hash.slice(0, 16))}</code></p>
<div class="summary"><div class="card score">Drift score<b>${report.driftScore}</b><small>0 = no drift</small></div>${counts}</div>
${errors}${table}
</body></html>
`;
}
