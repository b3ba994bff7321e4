// Opens the dashboard example in headless Debian Chromium (driven by playwright-core), publishes
// bus events and checks the page shows them, then restarts the HTTP server and checks that the
// page reconnects and shows the events published while it was down (replayed by Last-Event-ID).
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHub, startDashboard } from '../../examples/dashboard/server.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

const available = chromiumAvailable('the dashboard browser test');

describe.skipIf(!available)('dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows live events, then reconnects after a server restart and shows the replayed ones', async () => {
    const { bus, hub } = createDashboardHub();
    let server = await startDashboard(hub);
    const port = Number(new URL(server.url).port);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="open"]', { timeout: 10_000 });

      await bus.publish('workflow.started', { workflow: 'lead_followup', runId: 'r1' });
      await bus.publish('workflow.step_completed', {
        workflow: 'lead_followup',
        runId: 'r1',
        stepId: 'score_lead',
        attempts: 1,
        durationMs: 12,
      });
      await bus.publish('workflow.completed', { workflow: 'lead_followup', runId: 'r1', durationMs: 30 });
      await bus.publish('breaker.opened', { name: 'llm', retryAfterMs: 5000 });
      await bus.publish('ai.progress' as never, { task: 'summary', percent: 40 } as never);
      await bus.publish('call.ended' as never, { callId: 'call_7' } as never);
      await bus.publish('dashboard.kpi' as never, { leads: 12 } as never);

      await page.waitForSelector('#workflows li[data-run="r1"][data-state="completed"]');
      expect(await page.textContent('#workflows li[data-run="r1"]')).toContain('score_lead');
      await page.waitForSelector('#breakers li[data-breaker="llm"][data-state="open"]');
      await page.waitForFunction(() =>
        document.querySelector('#topic-ai_progress')?.textContent?.includes('"percent":40'),
      );
      expect(await page.textContent('#topic-voice_call_status')).toContain('call_7');
      expect(await page.textContent('#topic-dashboard_updates')).toContain('"leads":12');
      expect(await page.locator('#topic-automation_status li').count()).toBe(3);

      // Restart: the HTTP server goes away while the bus (and hub) keep receiving events.
      await server.close();
      await page.waitForSelector('#status[data-state="connecting"]', { timeout: 10_000 });
      await bus.publish('breaker.closed', { name: 'llm' });
      await bus.publish('workflow.started', { workflow: 'lead_followup', runId: 'r2' });
      await bus.publish('ai.progress' as never, { task: 'summary', percent: 99 } as never);
      server = await startDashboard(hub, port);

      await page.waitForSelector('#status[data-state="open"]', { timeout: 15_000 });
      await page.waitForSelector('#breakers li[data-breaker="llm"][data-state="closed"]', { timeout: 15_000 });
      await page.waitForSelector('#workflows li[data-run="r2"][data-state="running"]');
      await page.waitForFunction(() =>
        document.querySelector('#topic-ai_progress')?.textContent?.includes('"percent":99'),
      );
      // Replayed exactly once, in order, and nothing lost.
      expect(await page.locator('#topic-ai_progress li').count()).toBe(2);
      expect(await page.locator('#topic-automation_status li').count()).toBe(4);
      expect(await page.textContent('#last-id')).toBe(hub.lastEventId);

      // And live events keep flowing on the new connection.
      await bus.publish('workflow.completed', { workflow: 'lead_followup', runId: 'r2', durationMs: 9 });
      await page.waitForSelector('#workflows li[data-run="r2"][data-state="completed"]');
      expect(pageErrors).toEqual([]);

      mkdirSync('test-results/realtime', { recursive: true });
      await page.screenshot({ path: 'test-results/realtime/dashboard.png', fullPage: true });
    } finally {
      await page.close();
      await server.close();
      hub.close();
    }
  }, 60_000);
});
