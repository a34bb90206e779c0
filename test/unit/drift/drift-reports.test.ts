import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { escapeHtml, REPORT_CSP, renderReportHtml } from '../../../shared/domain/drift/report-html.ts';
import { renderReportSarif } from '../../../shared/domain/drift/report-sarif.ts';
import { demoReport } from './report-fixtures.ts';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/**
 * The OASIS SARIF 2.1.0 schema (test/fixtures/sarif, from oasis-tcs/sarif-spec
 * sarif-2.1/schema/sarif-schema-2.1.0.json). It is draft-04; it uses no
 * draft-04-only keyword (no boolean exclusiveMinimum), so renaming `id` to
 * `$id` and dropping `$schema` lets Ajv 8 check it with the same meaning.
 */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
  ) as Record<string, unknown>;
  const { $schema: _, id, ...rest } = schema;
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  return ajv.compile({ ...rest, $id: id as string });
}

describe('drift report JSON', () => {
  it("has the contract's shape with counts matching the findings", () => {
    // Act
    const report = demoReport();
    // Assess
    expect(Object.keys(report)).toEqual([
      'id',
      'cluster',
      'clusterName',
      'env',
      'scannedAt',
      'durationMs',
      'desiredState',
      'driftScore',
      'counts',
      'workloads',
      'findings',
      'errors',
    ]);
    expect(report.desiredState).toMatchObject({
      driftPolicy: 3,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const counted = report.findings.filter((f) => f.severity !== 'info');
    expect(report.counts.critical + report.counts.high + report.counts.medium + report.counts.low).toBe(
      counted.length,
    );
    expect(report.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        'image-drift',
        'resources-drift',
        'workload-missing',
        'hpa-min-drift',
        'labels-required',
      ]),
    );
    expect(report.driftScore).toBeGreaterThan(0);
  });
});

describe('drift report SARIF', () => {
  it('validates against the SARIF 2.1.0 JSON schema', () => {
    // Prepare
    const validate = sarifValidator();
    // Act
    const sarif = renderReportSarif(demoReport());
    const valid = validate(sarif);
    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is rejected by the schema when broken, so the check above can fail', () => {
    // Prepare
    const validate = sarifValidator();
    const sarif = renderReportSarif(demoReport()) as { runs: { results: Record<string, unknown>[] }[] };
    sarif.runs[0]!.results[0]!.level = 'fatal';
    // Act / Assess
    expect(validate(sarif)).toBe(false);
  });

  it('has one result per finding with its rule, level and logical location', () => {
    // Act
    const report = demoReport();
    const run = (renderReportSarif(report) as { runs: { results: any[]; tool: any }[] }).runs[0]!;
    // Assess
    expect(run.results).toHaveLength(report.findings.length);
    const image = run.results.find((r) => r.ruleId === 'image-drift');
    expect(image).toMatchObject({
      level: 'error',
      locations: [{ logicalLocations: [{ fullyQualifiedName: 'shop/Deployment/frontend' }] }],
    });
    expect(run.tool.driver.rules[image.ruleIndex].id).toBe('image-drift');
  });
});

describe('drift report HTML', () => {
  it('escapes every value and carries a CSP that allows no script', () => {
    // Act
    const html = renderReportHtml(demoReport());
    // Assess
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(html).toContain('shop-prod &#60;eu&#62;');
    expect(REPORT_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(REPORT_CSP).not.toContain('script-src');
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/);
  });
});
