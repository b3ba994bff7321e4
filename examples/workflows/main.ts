// Runs the seed's four flows against local stand-in services (no keys, no internet):
//   node --import tsx examples/workflows/main.ts
// Set DATABASE_URL to keep the runs in PostgreSQL instead of memory.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBus } from '@wawagot/integrations/bus';
import { createGraphQLClient } from '@wawagot/integrations/graphql';
import { toNodeHandler } from '@wawagot/integrations/node';
import { bearer, createRestClient } from '@wawagot/integrations/rest';
import { retell, verifyWebhook } from '@wawagot/integrations/webhooks';
import { createWorkflowRunner, memoryStore, type WorkflowStore } from '@wawagot/integrations/workflows';
import { startStandIns } from '../wawagot/stand-ins/index.js';
import { createFlows } from './flows.js';

type Events = {
  'voice.call_ended': { callId: string; transcript: string };
  'dashboard.update': { callId: string; summary: string };
};

/** Starts stand-ins, a webhook receiver and a runner; runs all four flows; returns their outputs. */
export async function runDemo(options: { store?: WorkflowStore; log?: (line: string) => void } = {}) {
  const log = options.log ?? console.log;
  const retellApiKey = 'demo-retell-key';
  const bus = createBus<Events>();

  // The voice platform reports ended calls by webhook; verified deliveries go on the bus.
  const webhook = createServer(
    toNodeHandler(async (request) => {
      const { payload } = await verifyWebhook(request, retell({ apiKey: retellApiKey }));
      const call = (payload as { call: { call_id: string; transcript: string } }).call;
      await bus.publish('voice.call_ended', { callId: call.call_id, transcript: call.transcript });
      return new Response(null, { status: 204 });
    }),
  );
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/webhooks/retell`;
  const standIns = await startStandIns({
    retellApiKey,
    webhookUrl: () => webhookUrl,
    faults: { errorRate: 0.1, seed: 7 },
    callDurationMs: 300,
  });

  const clients = {
    openai: createRestClient({ baseUrl: standIns.urls.openai, auth: bearer('demo-openai-key'), bus }),
    automation: createRestClient({ baseUrl: standIns.urls.automation, bus }),
    retell: createRestClient({ baseUrl: standIns.urls.retell, auth: bearer(retellApiKey), bus }),
    knowledge: createGraphQLClient({ url: standIns.urls.knowledge, bus }),
    bus,
  };
  const flows = createFlows(clients);
  const runner = createWorkflowRunner({
    store: options.store ?? memoryStore(),
    bus,
    workflows: Object.values(flows),
    pollMs: 100,
  });
  bus.subscribe('workflow.step_completed', (e) =>
    log(`  ${e.data.workflow} ${e.data.stepId} (${e.data.attempts} attempt(s))`),
  );
  bus.subscribe('dashboard.update', (e) => log(`  dashboard <- ${e.data.callId}: ${e.data.summary.slice(0, 60)}`));
  await runner.resume();

  try {
    const ai = await runner.start(flows.aiAutomation, { text: 'Customer says order 42 arrived broken' });
    const ak = await runner.start(flows.automationKnowledge, { automation: 'refund', data: { order: 42 } });
    const kv = await runner.start(flows.knowledgeVoice, { topic: 'refund', phone: '+15550100' });
    const outputs: Record<string, unknown> = {
      ai_automation: await runner.result(ai.runId, { timeoutMs: 30_000 }),
      automation_knowledge: await runner.result(ak.runId, { timeoutMs: 30_000 }),
    };
    const voice = await runner.result<{ callId: string }>(kv.runId, { timeoutMs: 30_000 });
    outputs.knowledge_voice = voice;
    // The dashboard flow waits for a call that has not ended yet: place one, then wait.
    const call = await clients.retell.post<{ call_id: string }>('create-phone-call', {
      json: { to_number: '+15550101' },
    });
    const vd = await runner.start(flows.voiceDashboard, { callId: call.call_id });
    outputs.voice_dashboard = await runner.result(vd.runId, { timeoutMs: 30_000 });
    return outputs;
  } finally {
    await runner.close();
    await standIns.close();
    await new Promise((resolve) => webhook.close(resolve));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let store: WorkflowStore | undefined;
  let end = async () => {};
  if (process.env.DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const { postgresStore } = await import('@wawagot/integrations/workflows/postgres');
    const sql = postgres(process.env.DATABASE_URL, { onnotice: () => {} });
    store = postgresStore(sql, { schema: 'demo_workflows' });
    end = () => sql.end();
  }
  const outputs = await runDemo(store ? { store } : {});
  console.log(JSON.stringify(outputs, null, 2));
  await end();
}
