// node:test with node:assert: the app of ./app.ts, no test framework installed.
//   node --import tsx --test examples/testing/node-test.test.ts
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
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
import { createApp } from './app.js';

const API_KEY = 'test-retell-key';
const CRM = 'https://crm.example.test/api/';
const DAY = 86_400_000;

/** Polls on real time until `check` holds (the app works in the background). */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('follow-up app (node:test)', () => {
  let crm: MockServices;
  let server: ReturnType<typeof setupServer>;
  before(async () => {
    crm = await mockServices({
      crm: {
        baseUrl: CRM,
        routes: {
          'POST /summaries': { status: 201, json: { id: 'sum_n' } },
          'POST /tasks': { status: 201, json: { id: 'task_n' } },
        },
      },
    });
    server = setupServer(...(crm.handlers as Parameters<typeof setupServer>));
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => crm.reset());
  after(() => server.close());

  it('a signed webhook leads to a CRM task three days later (test-clock time)', async () => {
    const clock = createTestClock();
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM, clock });
    const recorder = recordBus(app.bus);
    try {
      const body = {
        event: 'call_ended',
        call: { call_id: 'n_1', transcript: 'hi', metadata: { email: 'fa@example.com' } },
      };
      const res = await app.router.fetch(
        await webhookRequest(retell({ apiKey: API_KEY }), body, { url: '/webhooks/retell' }),
      );
      assert.equal(res.status, 202);
      const status = async () => (await app.runner.status('follow-up:n_1')).status;
      await until(async () => (await status()) === 'sleeping'); // summary stored, the run sleeps
      await clock.advance(DAY); // the 1-day sleep passes
      await until(async () => (await status()) === 'waiting');
      await clock.advance(2 * DAY); // the 2-day wait for a reply times out
      await recorder.waitFor('workflow.completed');
      assert.deepEqual(await app.runner.result('follow-up:n_1'), {
        summaryId: 'sum_n',
        outcome: 'task',
        taskId: 'task_n',
      });
      assert.equal(crm.calls('crm', 'POST /tasks').length, 1);
    } finally {
      await app.close();
    }
  });

  it('a body changed after signing is refused with 401', async () => {
    const app = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const signed = await webhookRequest(
      retell({ apiKey: API_KEY }),
      { event: 'call_ended' },
      { url: '/webhooks/retell' },
    );
    const tampered = new Request(signed.url, { method: 'POST', headers: signed.headers, body: '{"event":"other"}' });
    assert.equal((await app.router.fetch(tampered)).status, 401);
    await app.close();
  });

  it('the workflow alone, CRM steps mocked: a reply means no task', async () => {
    const { followUp } = createApp({ retellApiKey: API_KEY, crmUrl: CRM });
    const out = await testWorkflow(
      followUp,
      { callId: 'n_3', email: 'gu@example.com', transcript: '...' },
      {
        steps: { summarise: { id: 'sum_m' }, 'open-task': () => assert.fail('no task expected') },
        events: [{ type: 'customer.replied', data: { email: 'gu@example.com', text: 'ok' }, afterMs: '30h' }],
      },
    );
    assert.deepEqual(out.result, { summaryId: 'sum_m', outcome: 'replied' });
    assert.equal(out.elapsedMs, 30 * 3_600_000);
    assert.deepEqual(out.unusedMocks, ['open-task']);
  });
});
