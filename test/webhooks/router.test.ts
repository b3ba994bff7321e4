import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import {
  createWebhookRouter,
  github,
  memoryDedup,
  signWebhook,
  standardWebhooks,
  type WebhookDedupStore,
} from '../../src/webhooks/index.js';

const CANARY = 'whsec_Q0FOQVJZLXNlY3JldC1kby1ub3QtbGVhaw==';
const scheme = standardWebhooks({ secret: CANARY });
const URL_ = 'https://hooks.test/webhooks/calls';

async function signed(body: string, id = 'msg_1', extra: Record<string, string> = {}) {
  const headers = await signWebhook(body, scheme, { id });
  return new Request(URL_, { method: 'POST', body, headers: { ...headers, ...extra } });
}

function setup(opts: { dedup?: WebhookDedupStore; handler?: () => unknown; maxBodyBytes?: number } = {}) {
  const bus = createBus<{ 'call.event': { type: string } }>();
  const events: Array<{ type: string; data: unknown; id: string }> = [];
  bus.subscribe('*', (e) => {
    events.push({ type: e.type, data: e.data, id: e.id });
  });
  const router = createWebhookRouter({
    routes: {
      '/webhooks/calls': {
        scheme,
        event: 'call.event',
        schema: z.object({ type: z.string() }),
        ...(opts.handler ? { handler: opts.handler } : {}),
      },
      '/webhooks/gh': { scheme: github({ secret: 'gh' }) },
    },
    bus,
    ...(opts.dedup ? { dedup: opts.dedup } : {}),
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  return { router, events, bus };
}

describe('createWebhookRouter', () => {
  it('202: verifies, validates, publishes the route event and webhook.received', async () => {
    const { router, events } = setup();
    const res = await router.fetch(await signed('{"type":"call_ended"}'));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('accepted');
    expect(events.map((e) => e.type)).toEqual(['call.event', 'webhook.received']);
    expect(events[0]).toMatchObject({ data: { type: 'call_ended' }, id: 'msg_1' });
    expect(events[1]?.data).toEqual({
      route: '/webhooks/calls',
      scheme: 'standard-webhooks',
      id: 'msg_1',
      event: 'call.event',
    });
  });

  it('404 unknown path, 405 other methods', async () => {
    const { router, events } = setup();
    expect((await router.fetch(new Request('https://hooks.test/nope', { method: 'POST', body: 'x' }))).status).toBe(
      404,
    );
    const res = await router.fetch(new Request(URL_, { method: 'GET' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.data).toEqual({ route: '/webhooks/calls', reason: 'method_not_allowed', status: 405 });
  });

  it('401 for a bad signature with only "invalid signature" in the body and nothing secret in events', async () => {
    const { router, events } = setup();
    const good = await signWebhook('{"type":"a"}', scheme, { id: 'm' });
    const stale = await signWebhook('{"type":"a"}', scheme, { id: 'm', timestamp: 1000 });
    for (const headers of [
      { ...good, 'webhook-signature': `v1,${btoa('x'.repeat(32))}` },
      { 'webhook-id': 'm' },
      { ...good, 'webhook-timestamp': 'NaN' },
      stale,
    ]) {
      const res = await router.fetch(new Request(URL_, { method: 'POST', body: '{"type":"a"}', headers }));
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('invalid signature');
    }
    await vi.waitFor(() => expect(events).toHaveLength(4));
    expect(events.map((e) => (e.data as { reason: string }).reason)).toEqual([
      'invalid_signature',
      'missing_signature',
      'malformed_signature',
      'timestamp_out_of_range',
    ]);
    expect(JSON.stringify(events)).not.toContain(CANARY.slice(6, 20));
  });

  it('400 when the schema fails, and nothing is published', async () => {
    const { router, events } = setup();
    const res = await router.fetch(await signed('{"kind":1}'));
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid payload');
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.type).toBe('webhook.rejected');
  });

  it('413 by Content-Length and by the streamed size, cancelling the stream', async () => {
    const { router } = setup({ maxBodyBytes: 1024 });
    const big = await signed(JSON.stringify({ type: 'x'.repeat(2000) }));
    expect((await router.fetch(big)).status).toBe(413);
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(512));
      },
      cancel() {
        cancelled = true;
      },
    });
    const headers = await signWebhook('{}', scheme);
    const request = new Request(URL_, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);
    const res = await router.fetch(request);
    expect(res.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('200 for a duplicate id, published once', async () => {
    const { router, events } = setup({ dedup: memoryDedup() });
    expect((await router.fetch(await signed('{"type":"a"}', 'dup'))).status).toBe(202);
    const again = await router.fetch(await signed('{"type":"a"}', 'dup'));
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('duplicate');
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'webhook.rejected')).toHaveLength(1));
    expect(events.filter((e) => e.type === 'call.event')).toHaveLength(1);
  });

  it('a failed delivery is not remembered: 500, then the retry is processed', async () => {
    let fail = true;
    const { router, events } = setup({
      dedup: memoryDedup(),
      handler: () => {
        if (fail) throw new Error('database down');
      },
    });
    const first = await router.fetch(await signed('{"type":"a"}', 'retry-me'));
    expect(first.status).toBe(500);
    expect(await first.text()).toBe('internal error');
    fail = false;
    expect((await router.fetch(await signed('{"type":"a"}', 'retry-me'))).status).toBe(202);
    expect(events.filter((e) => e.type === 'call.event')).toHaveLength(1);
  });

  it('a failing bus publish answers 500 and releases the id', async () => {
    const dedup = memoryDedup();
    let fail = true;
    const bus = {
      publish: vi.fn(async (type: string) => {
        if (type === 'call.event' && fail) throw new Error('broker down');
      }),
    };
    const router = createWebhookRouter({ routes: { '/webhooks/calls': { scheme, event: 'call.event' } }, bus, dedup });
    expect((await router.fetch(await signed('{"type":"a"}', 'p1'))).status).toBe(500);
    fail = false;
    expect((await router.fetch(await signed('{"type":"a"}', 'p1'))).status).toBe(202);
    expect((await router.fetch(await signed('{"type":"a"}', 'p1'))).status).toBe(200);
  });

  it('409 while the same id is being processed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { router } = setup({ dedup: memoryDedup(), handler: () => gate });
    const first = router.fetch(await signed('{"type":"a"}', 'slow'));
    await new Promise((r) => setTimeout(r, 20));
    const second = await router.fetch(await signed('{"type":"a"}', 'slow'));
    expect(second.status).toBe(409);
    expect(second.headers.get('retry-after')).toBe('5');
    release();
    expect((await first).status).toBe(202);
  });

  it('503 when the dedup store is down (the sender retries)', async () => {
    const dedup: WebhookDedupStore = {
      claim: async () => {
        throw new Error('redis down');
      },
      commit: async () => undefined,
      release: async () => undefined,
    };
    const { router } = setup({ dedup });
    expect((await router.fetch(await signed('{"type":"a"}'))).status).toBe(503);
  });

  it('the handler and the route event get the schema output; the handler sees the delivery id', async () => {
    const seen: unknown[] = [];
    const bus = createBus<{ 'call.event': { kind: string } }>();
    const published: unknown[] = [];
    bus.subscribe('call.event', (e) => {
      published.push(e.data);
    });
    const router = createWebhookRouter({
      routes: {
        '/webhooks/calls': {
          scheme,
          event: 'call.event',
          schema: z.object({ type: z.string() }).transform((v) => ({ kind: v.type.toUpperCase() })),
          handler: (webhook) => {
            seen.push([webhook.id, webhook.payload]);
          },
        },
      },
      bus,
    });
    expect((await router.fetch(await signed('{"type":"ended"}', 'h-1'))).status).toBe(202);
    expect(seen).toEqual([['h-1', { kind: 'ENDED' }]]);
    expect(published).toEqual([{ kind: 'ENDED' }]);
  });

  it('400 when the body stream fails mid-way', async () => {
    const { router } = setup();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const headers = await signWebhook('{}', scheme);
    const res = await router.fetch(
      new Request(URL_, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('bad request');
  });

  it('500 when a route has no secret configured', async () => {
    const router = createWebhookRouter({ routes: { '/h': { scheme: github({ secret: [] }) } } });
    const res = await router.fetch(new Request('https://x.test/h', { method: 'POST', body: '{}' }));
    expect(res.status).toBe(500);
  });

  it('rejects bad options with CONFIG', () => {
    expect(() => createWebhookRouter({ routes: {} })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createWebhookRouter({ routes: { nope: { scheme } } })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => createWebhookRouter({ routes: { '/a': { scheme } }, maxBodyBytes: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => memoryDedup({ max: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});

describe('memoryDedup', () => {
  it('claims, commits, expires and evicts the oldest', async () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
    const store = memoryDedup({ ttlMs: 1000, pendingMs: 100, max: 2, clock });
    expect(await store.claim('a')).toBe('new');
    expect(await store.claim('a')).toBe('pending');
    now = 150;
    expect(await store.claim('a')).toBe('new');
    await store.commit('a');
    expect(await store.claim('a')).toBe('done');
    now = 1200;
    expect(await store.claim('a')).toBe('new');
    await store.commit('a');
    await store.claim('b');
    await store.commit('b');
    await store.claim('c');
    await store.commit('c');
    expect(await store.claim('a')).toBe('new');
    await store.release('a');
    expect(await store.claim('a')).toBe('new');
  });
});
