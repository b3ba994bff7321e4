// The WAWAGOT system wired from the library: stand-in upstreams, REST + GraphQL clients, one
// bus, the Retell webhook route, four queues, four durable workflows, storage, and the realtime
// hub serving the dashboard page of examples/dashboard on one HTTP server.
import type { Logger } from '@wawagot/integrations';
import { createBus, type Envelope } from '@wawagot/integrations/bus';
import { createFileHub } from '@wawagot/integrations/files';
import { createGraphQLClient } from '@wawagot/integrations/graphql';
import { exponential } from '@wawagot/integrations/policies';
import { createQueue, type Job } from '@wawagot/integrations/queue';
import { createRealtimeHub } from '@wawagot/integrations/realtime';
import { apiKeyHeader, bearer, createServices } from '@wawagot/integrations/rest';
import { createWebhookRouter, retell } from '@wawagot/integrations/webhooks';
import { createWorkflowRunner } from '@wawagot/integrations/workflows';
import { z } from 'zod';
import { type Backends, openBackends } from './backends.js';
import {
  type CallEnded,
  type CustomerRequest,
  callEndedKey,
  createFlows,
  type DemoEvents,
  type Queues,
} from './flows.js';
import { count, createMetrics, type Metrics } from './metrics.js';
import { type AppServer, startServer } from './server.js';
import { type FaultOptions, startStandIns } from './stand-ins/index.js';

/** Secrets the app is configured with. The stand-ins accept any; they are never printed. */
export interface DemoSecrets {
  openaiKey: string;
  automationKey: string;
  knowledgeToken: string;
  /** Retell API key: the stand-in signs webhooks with it, the app verifies them with it. */
  retellKey: string;
}

export interface AppOptions {
  secrets: DemoSecrets;
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  /** Unique name of this run's Redis keys and PostgreSQL schemas. */
  prefix: string;
  /** Port of the dashboard and webhook server (0 = any free port). */
  port?: number;
  faults?: FaultOptions;
  /** LLM stand-in outage (request numbers), so the breaker opens. */
  llmOutage?: { from: number; count: number } | undefined;
  /** How long a call lasts before its webhook arrives. @default 150 */
  callDurationMs?: number;
  logger?: Logger;
  /** Called with every bus envelope (tests record them). */
  onEvent?: (envelope: Envelope) => void;
}

export interface App {
  url: string;
  mode: string;
  describe: string;
  metrics: Metrics;
  bus: ReturnType<typeof createBus<DemoEvents>>;
  backends: Backends;
  standIns: Awaited<ReturnType<typeof startStandIns>>;
  /** Enqueues one customer request. */
  submit(requestId: string, text: string): Promise<void>;
  /** Summary rows stored so far. */
  stored(): Promise<Array<{ request_id: string; latency_ms: number }>>;
  /** Dead letters over the four queues. */
  deadLetters(): Promise<number>;
  /** Stops taking work, lets running jobs finish, closes everything this app opened. */
  close(options?: { cleanup?: boolean }): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The dashboard's topics: the page shows a log per topic, workflow progress and breakers. */
export const topics = {
  dashboard_updates: ['dashboard.*'],
  ai_progress: ['workflow.*', 'ai.*'],
  automation_status: ['automation.*', 'knowledge.*', 'queue.dead_lettered'],
  breakers: ['breaker.*'],
  voice_call_status: ['voice.*', 'webhook.*'],
};

const RetellPayload = z.object({
  event: z.string(),
  call: z.object({
    call_id: z.string(),
    transcript: z.string().default(''),
    metadata: z.object({ requestId: z.string() }).passthrough().nullish(),
  }),
});

export async function startApp(options: AppOptions): Promise<App> {
  const logger = options.logger ?? silent;
  const { secrets } = options;
  const backends = await openBackends({
    redisUrl: options.redisUrl,
    databaseUrl: options.databaseUrl,
    prefix: options.prefix,
  });
  const metrics = createMetrics();
  const bus = createBus<DemoEvents>({
    source: 'wawagot-demo',
    logger,
    ...(backends.transport ? { transport: backends.transport } : {}),
  });
  bus.subscribe('*', (e) => {
    count(metrics, e as Envelope);
    options.onEvent?.(e as Envelope);
  });

  // The voice stand-in reads the webhook URL only when it delivers, after the server below has started.
  let appUrl = '';
  const standIns = await startStandIns({
    retellApiKey: secrets.retellKey,
    webhookUrl: () => `${appUrl}/webhooks/retell-ai`,
    faults: options.faults ?? {},
    callDurationMs: options.callDurationMs ?? 150,
    ...(options.llmOutage ? { llmOutage: options.llmOutage } : {}),
  });

  const services = createServices(
    {
      openai: {
        baseUrl: standIns.urls.openai,
        auth: bearer(secrets.openaiKey),
        timeoutMs: 5_000,
        breaker: { failures: 3, halfOpenAfter: 1_000 },
      },
      automation: {
        baseUrl: standIns.urls.automation,
        auth: apiKeyHeader('x-api-key', secrets.automationKey),
        timeoutMs: 5_000,
        breaker: { failures: 3, halfOpenAfter: 1_000 },
      },
      knowledgeRest: {
        baseUrl: standIns.urls.knowledgeRest,
        auth: bearer(secrets.knowledgeToken),
        timeoutMs: 5_000,
      },
      retell: { baseUrl: standIns.urls.retell, auth: bearer(secrets.retellKey), timeoutMs: 5_000 },
    },
    { bus, logger },
  );
  const knowledge = createGraphQLClient({
    name: 'knowledge',
    url: standIns.urls.knowledge,
    auth: bearer(secrets.knowledgeToken),
    timeoutMs: 5_000,
    bus,
    logger,
  });
  const queue = createQueue<Queues>({
    driver: backends.queueDriver,
    bus,
    logger,
    defaultJob: { attempts: 3, backoff: exponential({ initial: 500, max: 5_000 }) },
  });
  const files = createFileHub({
    storages: { transcripts: backends.files },
    processors: {
      'text/*': ({ bytes }) => {
        const text = new TextDecoder().decode(bytes);
        return { lines: text.split('\n').length, words: text.split(/\s+/).filter(Boolean).length };
      },
    },
    maxBytes: 1024 * 1024,
    logger,
  });
  const flows = createFlows({
    ...services,
    knowledge,
    bus: bus as unknown as { publish(type: string, data: unknown): Promise<unknown> },
    queue,
    kv: backends.kv,
    files,
    results: backends.results,
    summaries: backends.summaries,
    callTimeoutMs: 15_000,
  });
  const runner = createWorkflowRunner({
    store: backends.store,
    bus,
    workflows: Object.values(flows),
    concurrency: 64,
    pollMs: 250,
    logger,
  });

  // Each queue hands its jobs to a workflow and waits for it. A job retried after its
  // workflow failed starts a fresh run (the external calls are keyed on the request).
  const stage =
    (workflow: string) =>
    async (job: Job<Queues[keyof Queues]>): Promise<void> => {
      const base = `${workflow}-${job.payload.requestId}`;
      const runId = job.attempt === 1 ? base : `${base}-retry${job.attempt}`;
      await runner.start(workflow, job.payload, { runId });
      await runner.result(runId, { timeoutMs: 120_000, signal: job.signal });
    };
  await queue.process('ai_tasks', stage('ai_automation'), { concurrency: 16 });
  await queue.process('automation_tasks', stage('automation_knowledge'), { concurrency: 16 });
  await queue.process('knowledge_updates', stage('knowledge_voice'), { concurrency: 32 });
  await queue.process('voice_tasks', stage('voice_dashboard'), { concurrency: 8 });
  await runner.resume();

  const router = createWebhookRouter({
    routes: {
      '/webhooks/retell-ai': {
        scheme: retell({ apiKey: secrets.retellKey }),
        schema: RetellPayload,
        handler: async (webhook) => {
          // The router types `routes` as a plain record, so the schema's output type is not inferred here.
          const payload = webhook.payload as z.infer<typeof RetellPayload>;
          const requestId = payload.call.metadata?.requestId;
          if (payload.event !== 'call_ended' || !requestId) return;
          const ended: CallEnded = { callId: payload.call.call_id, requestId, transcript: payload.call.transcript };
          // Kept for a flow that starts waiting after the event; then published for the waiting one.
          await backends.kv.set(callEndedKey(requestId), ended, { ttlMs: 3_600_000 });
          await bus.publish('voice.call_ended', ended);
        },
      },
    },
    bus,
    logger,
  });
  const hub = createRealtimeHub({ bus, topics, replay: 2_000, heartbeatMs: 10_000, retryMs: 500, logger });

  let server: AppServer;
  try {
    server = await startServer({ hub, webhooks: (request) => router.fetch(request), port: options.port ?? 0 });
  } catch (error) {
    await Promise.allSettled([standIns.close(), queue.close({ drain: false }), runner.close()]);
    hub.close();
    await bus.close();
    await backends.close({ cleanup: true });
    throw error;
  }
  appUrl = server.url;

  let closed = false;
  return {
    url: appUrl,
    mode: backends.mode,
    describe: backends.describe,
    metrics,
    bus,
    backends,
    standIns,
    async submit(requestId, text) {
      metrics.requests++;
      const payload: CustomerRequest = { requestId, text, createdAt: Date.now() };
      await queue.send('ai_tasks', payload, { jobId: requestId });
    },
    async stored() {
      return backends.summaries.select({});
    },
    async deadLetters() {
      let n = 0;
      for (const name of ['ai_tasks', 'automation_tasks', 'knowledge_updates', 'voice_tasks'] as const) {
        n += (await queue.deadLetters(name)).length;
      }
      return n;
    },
    async close({ cleanup = false } = {}) {
      if (closed) return;
      closed = true;
      await standIns.voice.settled();
      await queue.close({ drain: true });
      await runner.close();
      hub.close();
      await server.close();
      await standIns.close();
      await bus.close();
      await backends.close({ cleanup });
    },
  };
}
