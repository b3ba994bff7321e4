// Jest-style: only describe / it / expect / beforeAll / afterAll / afterEach and Jest's own
// matchers, no vitest-only API. Under Jest, replace the 'vitest' import below with
// `import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';`
// (or drop it and use the globals); nothing else changes. Here it runs under vitest's
// Jest-compatible `expect`.

import {
  createTestClock,
  type MockServices,
  mockServices,
  recordBus,
  testWorkflow,
  webhookRequest,
} from '@wawagot/integrations/testing';
import { retell } from '@wawagot/integrations/webhooks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

const API_KEY = 'test-retell-key';
const CRM = 'https://crm.example.test/api/';
const HOUR = 3_600_000;

/** Polls on real time until `check` holds (the app works in the background). */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let crm: MockServices;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  crm = await mockServices({
    crm: {
      baseUrl: CRM,
      routes: {
        'POST /summaries': { status: 201, json: { id: 'sum_j' } },
        'POST /tasks': { status: 201, json: { id: 'task_j' } },
      },
    },
  });
  server = setupServer(...(crm.handlers as Parameters<typeof setupServer>));
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => crm.reset());
afterAll(() => server.close());

describe('follow-up app (jest-style)', () => {
  it('a customer reply after 1 day + 5 hours completes the run without a task', async () => {
    const clock = createTestClock();
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM, clock });
    const recorder = recordBus(app.bus);
    const body = {
      event: 'call_ended',
      call: { call_id: 'j_1', transcript: 'hi', metadata: { email: 'di@example.com' } },
    };
    const res = await app.router.fetch(
      await webhookRequest(retell({ apiKey: API_KEY }), body, { url: '/webhooks/retell' }),
    );
    expect(res.status).toBe(202);
    const status = async () => (await app.runner.status('follow-up:j_1')).status;
    await until(async () => (await status()) === 'sleeping'); // the CRM summary is stored
    await clock.advance(24 * HOUR); // the 1-day sleep passes
    await until(async () => (await status()) === 'waiting');
    await clock.advance(5 * HOUR); // 5 h into the 2-day wait for a reply
    await app.bus.publish('customer.replied', { email: 'di@example.com', text: 'all good' });
    const done = await recorder.waitFor('workflow.completed');
    expect(done.data).toMatchObject({ workflow: 'call-follow-up', runId: 'follow-up:j_1' });
    expect(await app.runner.result('follow-up:j_1')).toEqual({ summaryId: 'sum_j', outcome: 'replied' });
    expect(crm.calls('crm', 'POST /tasks')).toHaveLength(0);
    expect(recorder.types()).toEqual(
      expect.arrayContaining(['webhook.received', 'call.ended', 'workflow.started', 'workflow.completed']),
    );
    await app.close();
  });

  it('with the CRM steps mocked, no reply opens a task after three days of test-clock time', async () => {
    const { followUp } = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const out = await testWorkflow(
      followUp,
      { callId: 'j_2', email: 'ed@example.com', transcript: '...' },
      { steps: { summarise: { id: 'sum_m' }, 'open-task': { id: 'task_m' } } },
    );
    expect(out.result).toEqual({ summaryId: 'sum_m', outcome: 'task', taskId: 'task_m' });
    expect(out.steps.find((s) => s.id === 'customer-reply')).toMatchObject({ state: 'completed', output: null });
    expect(out.elapsedMs).toBe(3 * 24 * HOUR);
    expect(crm.calls('crm')).toHaveLength(0);
  });
});
