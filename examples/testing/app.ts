// A small app built on the SDK, used by the three test examples beside it: a Retell webhook
// starts a follow-up workflow that writes to a CRM over REST, waits a day, then waits up to two
// days for the customer's reply before opening a task.
import type { Clock } from '@wawagot/integrations';
import { createBus } from '@wawagot/integrations/bus';
import { createRestClient, type RestClient } from '@wawagot/integrations/rest';
import { createWebhookRouter, memoryDedup, retell } from '@wawagot/integrations/webhooks';
import { createWorkflowRunner, defineWorkflow, memoryStore, type WorkflowStore } from '@wawagot/integrations/workflows';

/** What Retell posts when a call ends (the fields this app reads). */
export interface CallEnded {
  event: 'call_ended';
  call: { call_id: string; transcript: string; metadata: { email: string } };
}

export type AppEvents = {
  'call.ended': CallEnded;
  'customer.replied': { email: string; text: string };
};

export interface FollowUpInput {
  callId: string;
  email: string;
  transcript: string;
}

export type FollowUpOutput =
  | { summaryId: string; outcome: 'replied' }
  | { summaryId: string; outcome: 'task'; taskId: string };

/** The follow-up workflow, bound to a CRM client. */
export function followUpWorkflow(crm: RestClient) {
  return defineWorkflow('call-follow-up', async (input: FollowUpInput, step, ctx): Promise<FollowUpOutput> => {
    const summary = await step.run('summarise', () =>
      crm.post<{ id: string }>('summaries', {
        json: { callId: input.callId, transcript: input.transcript },
        idempotencyKey: `${ctx.runId}:summarise`,
      }),
    );
    await step.sleep('give-them-a-day', '1d');
    const reply = await step.waitForEvent('customer-reply', {
      type: 'customer.replied',
      match: 'data.email',
      timeoutMs: '2d',
    });
    if (reply) return { summaryId: summary.id, outcome: 'replied' };
    const task = await step.run('open-task', () =>
      crm.post<{ id: string }>('tasks', {
        json: { email: input.email, summaryId: summary.id, title: 'Call the customer back' },
        idempotencyKey: `${ctx.runId}:open-task`,
      }),
    );
    return { summaryId: summary.id, outcome: 'task', taskId: task.id };
  });
}

export interface AppOptions {
  retellApiKey: string;
  crmUrl: string;
  /** Every timer of the app (REST retries and timeouts, workflow sleeps) runs on it. */
  clock?: Clock;
  store?: WorkflowStore;
}

/** Wires the webhook router, the bus, the CRM client and the workflow runner together. */
export function createApp(options: AppOptions) {
  const clock = options.clock;
  const bus = createBus<AppEvents>(clock ? { clock } : {});
  const crm = createRestClient({ baseUrl: options.crmUrl, name: 'crm', bus, ...(clock ? { clock } : {}) });
  const followUp = followUpWorkflow(crm);
  const runner = createWorkflowRunner({
    store: options.store ?? memoryStore(),
    bus,
    workflows: [followUp],
    ...(clock ? { clock } : {}),
  });
  const router = createWebhookRouter({
    routes: { '/webhooks/retell': { scheme: retell({ apiKey: options.retellApiKey }), event: 'call.ended' } },
    dedup: memoryDedup(),
    bus,
  });
  const unsubscribe = bus.subscribe('call.ended', async ({ data }) => {
    if (data.event !== 'call_ended') return;
    const { call_id, transcript, metadata } = data.call;
    await runner.start(
      followUp,
      { callId: call_id, email: metadata.email, transcript },
      { runId: `follow-up:${call_id}` },
    );
  });
  return {
    bus,
    crm,
    router,
    runner,
    followUp,
    async close() {
      unsubscribe();
      await runner.close();
    },
  };
}
