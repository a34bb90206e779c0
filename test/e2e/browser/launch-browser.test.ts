import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../../support/launch-browser.ts';

let launched: LaunchedBrowser;

beforeAll(async () => {
  launched = await launchBrowser();
});
afterAll(async () => launched?.browser.close());

describe('launchBrowser (the Chromium of browser tests)', () => {
  it('starts a Chromium that still serves a new page after the previous one closed', async () => {
    // Prepare
    const first = await launched.browser.newPage();
    await first.setContent('<h1 id="t">first</h1>');
    const firstText = await first.locator('#t').textContent();
    await first.close();
    // Act
    const second = await launched.browser.newPage();
    await second.setContent('<p id="t">second &amp; <b>last</b></p>');
    const secondText = await second.locator('#t').textContent();
    await second.close();
    // Assess
    expect(firstText).toBe('first');
    expect(secondText).toBe('second & last');
    expect(existsSync(launched.executablePath)).toBe(true);
    expect(['packaged', 'system']).toContain(launched.source);
  });
});
