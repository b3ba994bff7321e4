// vitest: the app of ./app.ts tested end to end in milliseconds.
//   npx vitest run examples/testing/vitest.test.ts   (or import it from a test file)

import {
  createTestClock,
  fail,
  mockServices,
  recordBus,
  testWorkflow,
  webhookRequest,
} from '@wawagot/integrations/testing';
import { retell } from '@wawagot/integrations/webhooks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CallEnded, createApp, type FollowUpOutput } from './app.js';

const API_KEY = 'test-retell-key';
const CRM = 'https://crm.example.test/api/';
const DAY = 86_400_000;

const crm = await mockServices({
  crm: {
    baseUrl: CRM,
    routes: {
      'POST /summaries': { status: 201, json: { id: 'sum_1' } },
      'POST /tasks': { status: 201, json: { id: 'task_1' } },
    },
  },
});
const server = setupServer(...(crm.handlers as Parameters<typeof setupServer>));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => crm.reset());
afterAll(() => server.close());

const callEnded = (callId: string, email: string): CallEnded => ({
  event: 'call_ended',
  call: { call_id: callId, transcript: 'Agent: hello', metadata: { email } },
});

describe('follow-up app (vitest)', () => {
  it('a signed webhook runs the whole follow-up: CRM summary, 1 day, 2-day wait, task', async () => {
    const clock = createTestClock();
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM, clock });
    const recorder = recordBus(app.bus);
    try {
      const request = await webhookRequest(retell({ apiKey: API_KEY }), callEnded('c_1', 'ada@example.com'), {
        url: '/webhooks/retell',
      });
      expect((await app.router.fetch(request)).status).toBe(202);
      // The run is now asleep for a day: move the clock instead of waiting.
      await vi.waitFor(async () => expect((await app.runner.status('follow-up:c_1')).status).toBe('sleeping'));
      await clock.advance(DAY);
      await vi.waitFor(async () => expect((await app.runner.status('follow-up:c_1')).status).toBe('waiting'));
      await clock.advance(2 * DAY); // nobody replied
      await recorder.waitFor('workflow.completed');
      expect(await app.runner.result<FollowUpOutput>('follow-up:c_1')).toEqual({
        summaryId: 'sum_1',
        outcome: 'task',
        taskId: 'task_1',
      });
      expect(crm.calls('crm', 'POST /summaries')[0]?.body).toEqual({ callId: 'c_1', transcript: 'Agent: hello' });
      expect(crm.calls('crm', 'POST /tasks')).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('a forged webhook is refused and starts nothing', async () => {
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const forged = await webhookRequest(retell({ apiKey: 'not-the-key' }), callEnded('c_2', 'x@example.com'), {
      url: '/webhooks/retell',
    });
    expect((await app.router.fetch(forged)).status).toBe(401);
    await expect(app.runner.status('follow-up:c_2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await app.close();
  });

  it('the workflow alone: a reply within two days means no task (CRM steps mocked)', async () => {
    const { followUp } = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const openTask = vi.fn(() => ({ id: 'never' }));
    const { result, steps } = await testWorkflow(
      followUp,
      { callId: 'c_3', email: 'bo@example.com', transcript: '...' },
      {
        steps: { summarise: { id: 'sum_mock' }, 'open-task': openTask },
        events: [{ type: 'customer.replied', data: { email: 'bo@example.com', text: 'thanks!' } }],
      },
    );
    expect(result).toEqual({ summaryId: 'sum_mock', outcome: 'replied' });
    expect(steps.map((s) => s.id)).toEqual(['summarise', 'give-them-a-day', 'customer-reply']);
    expect(openTask).not.toHaveBeenCalled();
  });

  it('the workflow alone: a failing task step is retried, then fails the run', async () => {
    const { followUp } = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const out = await testWorkflow(
      followUp,
      { callId: 'c_4', email: 'cy@example.com', transcript: '...' },
      {
        steps: {
          summarise: { id: 'sum_4' },
          'open-task': () => {
            throw new Error('CRM is down');
          },
        },
      },
    );
    expect(out.status).toBe('failed');
    expect(out.steps.at(-1)).toMatchObject({ id: 'open-task', state: 'failed', attempts: 3 });
    expect(out.elapsedMs).toBeGreaterThanOrEqual(3 * DAY);
  });

  it('the CRM client retries a 503 with Retry-After', async () => {
    const flaky = await mockServices({
      crm: { baseUrl: CRM, routes: { 'POST /tasks': [fail(503, { times: 2, retryAfter: 0 }), { json: { id: 't' } }] } },
    });
    server.use(...(flaky.handlers as Parameters<typeof server.use>));
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    expect(await app.crm.post('tasks', { json: {}, idempotencyKey: 'k1' })).toEqual({ id: 't' });
    expect(flaky.calls('crm', 'POST /tasks')).toHaveLength(3);
    server.resetHandlers();
    await app.close();
  });
});
