// Opens the demo's dashboard in headless Debian Chromium (playwright-core) while a scenario runs
// and checks that workflow progress, calls, breaker states and dashboard updates appear.
// UPDATE_SCREENSHOT=1 also writes docs/dashboard.png (the README's screenshot).
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../examples/wawagot/app.js';
import { appOptions, parseOptions, runScenario } from '../../examples/wawagot/main.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

const available = chromiumAvailable('the demo dashboard browser test');

describe.skipIf(!available)('demo dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the workflows, calls, breakers and dashboard updates of a running demo', async () => {
    const options = parseOptions(['--once', '--calls', '10'], {});
    const app = await startApp(appOptions(options, { port: 0 }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${app.url}/`);
      expect(await page.title()).toBe('WAWAGOT demo dashboard');
      await page.waitForSelector('#status[data-state="open"]', { timeout: 10_000 });
      const scenario = runScenario(app, options);

      // Progress shows while the demo runs, before the scenario is over.
      await page.waitForSelector('#workflows li[data-state="running"]', { timeout: 20_000 });
      await page.waitForSelector('#breakers li[data-breaker="openai"]', { timeout: 30_000 });
      const result = await scenario;
      expect(result.ok).toBe(true);

      await page.waitForSelector('#workflows li[data-run="voice_dashboard-req-0010"][data-state="completed"]');
      await page.waitForFunction(
        () => document.querySelectorAll('#workflows li[data-state="completed"]').length === 40,
      );
      expect(await page.textContent('#workflows li[data-run="ai_automation-req-0001"]')).toContain(
        'ask-llm, run-automation, store-result, enqueue-automation',
      );
      expect(await page.locator('#topic-dashboard_updates li').count()).toBe(10);
      expect(await page.textContent('#topic-voice_call_status')).toContain('voice.call_ended');
      expect(await page.textContent('#topic-voice_call_status')).toContain('webhook.rejected');
      expect(await page.textContent('#topic-automation_status')).toContain('automation.run_completed');
      // The LLM outage opened the breaker; by the end it closed again.
      expect(await page.getAttribute('#breakers li[data-breaker="openai"]', 'data-state')).toBe('closed');
      expect(pageErrors).toEqual([]);

      mkdirSync('test-results/demo', { recursive: true });
      await page.screenshot({ path: 'test-results/demo/dashboard.png' });
      if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: 'docs/dashboard.png' });
    } finally {
      await page.close();
      await app.close({ cleanup: true });
    }
  }, 90_000);
});
