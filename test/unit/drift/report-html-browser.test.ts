import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../shared/domain/drift/report-html.ts';
import { type LaunchedBrowser, launchBrowser } from '../../support/launch-browser.ts';
import { demoReport } from './report-fixtures.ts';

let launched: LaunchedBrowser | undefined;
let folder: string;

beforeAll(async () => {
  launched = await launchBrowser();
  folder = await mkdtemp(join(tmpdir(), 'plumbline-drift-html-'));
});
afterAll(async () => {
  await launched?.browser.close();
  await rm(folder, { recursive: true, force: true });
});

describe('drift report HTML in Chromium', () => {
  it('renders score, counts and the findings table grouped by workload, styled, with no script or CSP error', async () => {
    // Prepare
    const report = demoReport();
    const page = await launched!.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // Act
    await page.setContent(renderReportHtml(report), { waitUntil: 'load' });
    const screenshot = join(folder, 'drift-report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    // Assess
    expect(problems).toEqual([]);
    expect(await page.textContent('.score b')).toBe(String(report.driftScore));
    expect(await page.locator('.summary .card').count()).toBe(5);
    const groups = await page.locator('table tbody th').allTextContents();
    expect(groups[0]).toMatch(/^shop\/Deployment\/payments-api/);
    expect(groups.some((g) => g.includes('(service <script>alert(1)</script>)'))).toBe(true);
    const rows = await page.locator('table tbody tr:not(:first-child)').count();
    expect(rows).toBe(report.findings.length);
    const imageRow = page.locator('tr', { hasText: 'image-drift' });
    expect(await imageRow.locator('td').nth(3).textContent()).toContain('frontend:v0.10.4');
    expect(await imageRow.locator('td').nth(5).textContent()).toBe(
      'Roll out the image the settings name, or update the settings',
    );
    // The inline style applied: the CSP hash matches, so the critical badge is dark red.
    const badge = await page
      .locator('.sev.critical')
      .first()
      .evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundColor as string);
    expect(badge).toBe('rgb(122, 9, 22)');
    expect(await page.locator('script, img, link, iframe').count()).toBe(0);
    const png = await readFile(screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    await page.close();
  });
});
