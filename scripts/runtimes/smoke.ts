// Smoke checks of the Web-standard modules, bundled against the built package and run
// unchanged on every runtime of the matrix (Node 20/24, Bun, Deno, workerd, edge-runtime).
// `runChecks(serverUrl)` returns one row per check; it never throws.
import { createBus } from '@wawagot/integrations/bus';
import { circuitBreaker, compose, consecutive, constant, retry, timeout } from '@wawagot/integrations/policies';
import { createRealtimeHub } from '@wawagot/integrations/realtime';
import { createRestClient } from '@wawagot/integrations/rest';
import {
  createWebhookRouter,
  github,
  hmac,
  memoryDedup,
  retell,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookScheme,
} from '@wawagot/integrations/webhooks';
import { createWorkflowRunner, defineWorkflow, memoryStore } from '@wawagot/integrations/workflows';

export interface CheckResult {
  check: string;
  ok: boolean;
  error?: string;
}

type Check = [name: string, fn: (serverUrl: string) => Promise<void>];

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const checks: Check[] = [
  [
    'bus publish/waitFor',
    async () => {
      const bus = createBus<{ 'smoke.ping': { n: number } }>();
      const seen: number[] = [];
      bus.subscribe('smoke.ping', (e) => {
        seen.push(e.data.n);
      });
      const waiting = bus.waitFor('smoke.ping', { filter: (e) => e.data.n === 2, timeoutMs: 2000 });
      await bus.publish('smoke.ping', { n: 1 });
      const env = await bus.publish('smoke.ping', { n: 2 });
      const got = await waiting;
      assert(got.id === env.id && env.specversion === '1.0', 'waitFor did not resolve with the envelope');
      assert(seen.join() === '1,2', `handlers saw ${seen.join()}`);
    },
  ],
  [
    'compose policies',
    async () => {
      const policy = compose(
        timeout(2000),
        retry({ maxAttempts: 3, backoff: constant(1) }),
        circuitBreaker({ breaker: consecutive(5), halfOpenAfter: 1000 }),
      );
      let calls = 0;
      const value = await policy.execute(async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw Object.assign(new TypeError('fetch failed'));
        return 'ok';
      });
      assert(value === 'ok' && calls === 3, `expected 3 calls, got ${calls}`);
      const slow = timeout(20);
      const error = await slow
        .execute(
          ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
        )
        .catch((e: unknown) => e);
      assert((error as { code?: string }).code === 'TIMEOUT', `timeout gave ${String(error)}`);
    },
  ],
  [
    'REST GET+POST',
    async (serverUrl) => {
      const api = createRestClient({
        baseUrl: serverUrl,
        policy: compose(timeout(5000), retry({ maxAttempts: 4, backoff: constant(1) })),
      });
      const key = `/flaky/${crypto.randomUUID()}`;
      const flaky = await api.get<{ ok: boolean; attempts: number }>(key);
      assert(flaky.ok && flaky.attempts === 3, `GET retried to ${JSON.stringify(flaky)}`);
      const items = await api.get<Array<{ id: number }>>('/items');
      assert(items[0]?.id === 1, `GET /items gave ${JSON.stringify(items)}`);
      const created = await api.post<{ created: unknown; idempotencyKey: string | null }>('/items', {
        json: { name: 'second' },
        idempotencyKey: true,
      });
      assert(
        (created.created as { name?: string }).name === 'second' && typeof created.idempotencyKey === 'string',
        `POST /items gave ${JSON.stringify(created)}`,
      );
      const error = await api.get('/missing').catch((e: unknown) => e);
      assert(
        (error as { code?: string; status?: number }).code === 'HTTP_ERROR' &&
          (error as { status?: number }).status === 404,
        `404 gave ${String(error)}`,
      );
    },
  ],
  [
    'webhooks ×7 schemes',
    async () => {
      const secret = 'smoke-secret-0123456789';
      const schemes: WebhookScheme[] = [
        standardWebhooks({ secret: `whsec_${btoa(secret)}` }),
        stripe({ secret }),
        github({ secret }),
        shopify({ secret }),
        slack({ signingSecret: secret }),
        retell({ apiKey: secret }),
        hmac({ secret, header: 'x-signature' }),
      ];
      const body = JSON.stringify({ id: 'evt_1', type: 'smoke.test', data: { n: 1 } });
      for (const scheme of schemes) {
        const headers = await signWebhook(body, scheme, { id: 'msg_1' });
        const verified = await verifyWebhook<{ type: string }>({ body, headers }, scheme);
        assert(verified.payload.type === 'smoke.test', `${scheme.name}: payload ${JSON.stringify(verified.payload)}`);
        const request = new Request('http://local/hook', { method: 'POST', body, headers });
        await verifyWebhook(request, scheme);
        const tampered = await verifyWebhook({ body: `${body} `, headers }, scheme).catch((e: unknown) => e);
        assert(
          (tampered as { code?: string }).code === 'WEBHOOK_VERIFICATION',
          `${scheme.name}: tampered body gave ${String(tampered)}`,
        );
      }
    },
  ],
  [
    'webhook router',
    async () => {
      const bus = createBus<{ 'smoke.received': { type: string } }>();
      const scheme = standardWebhooks({ secret: `whsec_${btoa('router-secret-0123456789')}` });
      const router = createWebhookRouter({
        routes: { '/hooks/smoke': { scheme, event: 'smoke.received' } },
        dedup: memoryDedup(),
        bus,
      });
      const received = bus.waitFor('smoke.received', { timeoutMs: 2000 });
      const body = JSON.stringify({ type: 'smoke' });
      const headers = await signWebhook(body, scheme, { id: 'msg_router_1' });
      const post = (h: Record<string, string>) =>
        router.fetch(new Request('http://local/hooks/smoke', { method: 'POST', body, headers: h }));
      const first = await post(headers);
      assert(first.status === 202, `first delivery: ${first.status}`);
      await received;
      const again = await post(headers);
      assert(again.status === 200, `duplicate delivery: ${again.status}`);
      const bad = await post({ ...headers, 'webhook-signature': 'v1,AAAA' });
      assert(bad.status === 401, `bad signature: ${bad.status}`);
      const missing = await router.fetch(new Request('http://local/nope', { method: 'POST', body }));
      assert(missing.status === 404, `unknown path: ${missing.status}`);
    },
  ],
  [
    'SSE 3 events',
    async () => {
      const bus = createBus<{ 'smoke.tick': { n: number } }>();
      const hub = createRealtimeHub({ bus, topics: { smoke: ['smoke.*'] } });
      const controller = new AbortController();
      try {
        const response = await hub.sse(new Request('http://local/events?topics=smoke', { signal: controller.signal }));
        assert(response.status === 200, `status ${response.status}`);
        assert(
          response.headers.get('content-type')?.startsWith('text/event-stream'),
          `content-type ${response.headers.get('content-type')}`,
        );
        for (let n = 1; n <= 3; n++) await bus.publish('smoke.tick', { n });
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let text = '';
        const data: unknown[] = [];
        while (data.length < 3) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          let end = text.indexOf('\n\n');
          while (end !== -1) {
            const frame = text.slice(0, end);
            text = text.slice(end + 2);
            const line = frame.split('\n').find((l) => l.startsWith('data:'));
            const message = line ? (JSON.parse(line.slice(5)) as { type?: string }) : undefined;
            if (message?.type === 'smoke.tick') data.push(message);
            end = text.indexOf('\n\n');
          }
        }
        await reader.cancel();
        const ns = data.map((d) => (d as { data?: { n?: number }; n?: number }).data?.n ?? (d as { n?: number }).n);
        assert(ns.join() === '1,2,3', `events ${JSON.stringify(data)}`);
      } finally {
        controller.abort();
        hub.close();
      }
    },
  ],
  [
    'workflow',
    async () => {
      const bus = createBus<{ 'smoke.approved': { ok: boolean } }>();
      const order = defineWorkflow('smoke-order', async (input: { qty: number }, step) => {
        const price = await step.run('price', () => input.qty * 3);
        await step.sleep('pause', 5);
        const approval = await step.waitForEvent<{ ok: boolean }>('approval', {
          type: 'smoke.approved',
          timeoutMs: 5000,
        });
        return { price, approved: approval?.data.ok ?? false };
      });
      const runner = createWorkflowRunner({ store: memoryStore(), workflows: [order], bus, pollMs: 20 });
      try {
        const { runId } = await runner.start(order, { qty: 4 });
        for (let i = 0; i < 250 && (await runner.status(runId)).status !== 'waiting'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await bus.publish('smoke.approved', { ok: true });
        const output = await runner.result<{ price: number; approved: boolean }>(runId, { timeoutMs: 5000 });
        assert(output.price === 12 && output.approved, `output ${JSON.stringify(output)}`);
        const info = await runner.status(runId);
        assert(info.status === 'completed' && info.steps.length >= 3, `status ${JSON.stringify(info.status)}`);
      } finally {
        await runner.close();
      }
    },
  ],
];

export async function runChecks(serverUrl: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [check, fn] of checks) {
    try {
      await fn(serverUrl);
      results.push({ check, ok: true });
    } catch (error) {
      results.push({
        check,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return results;
}
