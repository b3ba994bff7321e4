import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import { systemClock } from '../../src/internal/clock.js';
import { exponential } from '../../src/policies/backoff.js';
import { connectSSE, createRealtimeHub } from '../../src/realtime/index.js';
import type { RealtimeHub, RealtimeItem, RealtimeMessage } from '../../src/realtime/types.js';
import type { Clock } from '../../src/types.js';
import { until } from './helpers.js';
import { serve } from './serve.js';

let hub: RealtimeHub | undefined;
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  hub?.close();
  for (const close of closers.splice(0)) await close();
});

/** Real timers, but waits are shortened to 5 ms and every requested delay is recorded. */
function recordingClock(): Clock & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => Date.now(),
    setTimeout(fn, ms) {
      delays.push(ms);
      return systemClock.setTimeout(fn, Math.min(ms, 5));
    },
    clearTimeout: (h) => systemClock.clearTimeout(h),
  };
}

async function take(iterator: AsyncIterator<RealtimeItem>, count: number): Promise<RealtimeItem[]> {
  const out: RealtimeItem[] = [];
  while (out.length < count) {
    const { done, value } = await iterator.next();
    if (done) break;
    out.push(value);
  }
  return out;
}

describe('connectSSE over real sockets', () => {
  it('yields events, tracks lastEventId and reconnects with it across a server restart', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { ai_progress: ['ai.*'] }, retryMs: 20 });
    const seenIds: Array<string | null> = [];
    const handler = (req: Request) => {
      seenIds.push(req.headers.get('last-event-id'));
      return hub!.sse(req);
    };
    let server = await serve(handler);
    const port = Number(new URL(server.url).port);
    const clock = recordingClock();
    const connection = connectSSE(`${server.url}/events`, { clock, backoff: exponential({ initial: 10, max: 50 }) });
    const iterator = connection[Symbol.asyncIterator]();
    const first = take(iterator, 2);
    await until(() => hub!.subscriberCount === 1, 5000, 'connected');
    await bus.publish('ai.step' as never, { n: 1 } as never);
    await bus.publish('ai.step' as never, { n: 2, text: 'héllo 🌍 — 日本語\nline 2' } as never);
    const items = await first;
    expect(items.map((i) => i.topic !== undefined && (i.data as { n: number }).n)).toEqual([1, 2]);
    expect((items[1] as RealtimeMessage<{ text: string }>).data.text).toBe('héllo 🌍 — 日本語\nline 2');
    expect(connection.lastEventId).toBe(hub.lastEventId);
    const lastSeen = connection.lastEventId;

    await server.close(); // server goes away; events keep flowing on the bus
    await until(() => hub!.subscriberCount === 0, 5000, 'disconnected');
    await bus.publish('ai.step' as never, { n: 3 } as never);
    await bus.publish('ai.step' as never, { n: 4 } as never);
    await new Promise((r) => setTimeout(r, 50)); // a few refused attempts
    server = await serve(handler, port);
    closers.push(() => server.close());
    const replayed = await take(iterator, 2);
    expect(replayed.map((i) => ((i as RealtimeMessage).data as { n: number }).n)).toEqual([3, 4]);
    expect(seenIds[0]).toBeNull();
    expect(seenIds.at(-1)).toBe(lastSeen);
    expect(clock.delays).toContain(20); // retry: from the server after the stream ended
    connection.close();
    expect((await iterator.next()).done).toBe(true);
    await connection.done;
  });

  it('backs off exponentially on 503 and surfaces a refusal (401) as HttpError without retrying', async () => {
    let calls = 0;
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] } });
    const server = await serve((req) => {
      calls++;
      if (new URL(req.url).pathname === '/denied') return new Response('no', { status: 401 });
      if (calls <= 3) return new Response('busy', { status: 503 });
      return hub!.sse(req);
    });
    closers.push(() => server.close());
    const clock = recordingClock();
    const connection = connectSSE(`${server.url}/events`, {
      clock,
      backoff: exponential({ initial: 10, max: 1000, jitter: 'none' }),
    });
    const iterator = connection[Symbol.asyncIterator]();
    const next = iterator.next();
    await until(() => hub!.subscriberCount === 1, 5000, 'connected');
    await bus.publish('x.y' as never, { ok: 1 } as never);
    expect((await next).value).toMatchObject({ type: 'x.y', data: { ok: 1 } });
    expect(clock.delays).toEqual([10, 20, 40]);
    await iterator.return?.();

    const CANARY = 'tok-canary-42';
    calls = 0;
    const refused = connectSSE(`${server.url}/denied?token=${CANARY}`, { clock });
    let error: unknown;
    try {
      for await (const _ of refused) expect.unreachable();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'HttpError', status: 401 });
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON()) + String(error)).not.toContain(CANARY);
    expect(calls).toBe(1);
    await expect(refused.done).rejects.toMatchObject({ status: 401 });
  });

  it('uses full jitter by default and gives up after maxRetries with a NetworkError', async () => {
    const server = await serve(() => new Response('x'));
    const { url } = server;
    await server.close(); // nothing listens on that port any more
    const clock = recordingClock();
    const connection = connectSSE(`${url}/events`, { clock, maxRetries: 4, backoff: exponential({ initial: 100 }) });
    await expect(connection[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(clock.delays).toHaveLength(4);
    clock.delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('refuses a response that is not an event stream, and an event larger than maxEventBytes', async () => {
    const server = await serve((req) =>
      new URL(req.url).pathname === '/json'
        ? Response.json({})
        : new Response(`data: ${'x'.repeat(5000)}\n\n`, { headers: { 'content-type': 'text/event-stream' } }),
    );
    closers.push(() => server.close());
    await expect(connectSSE(`${server.url}/json`)[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
    await expect(
      connectSSE(`${server.url}/big`, { maxEventBytes: 1000 })[Symbol.asyncIterator]().next(),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('stops on abort: the iteration ends and no request follows', async () => {
    let calls = 0;
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] }, retryMs: 1 });
    const server = await serve((req) => {
      calls++;
      return hub!.sse(req);
    });
    closers.push(() => server.close());
    const controller = new AbortController();
    const received: RealtimeItem[] = [];
    const consumer = (async () => {
      for await (const item of connectSSE(`${server.url}/events`, { signal: controller.signal })) received.push(item);
    })();
    await until(() => hub!.subscriberCount === 1, 5000, 'connected');
    await bus.publish('a.b' as never, {} as never);
    await until(() => received.length === 1, 5000, 'event');
    controller.abort();
    await consumer;
    await until(() => hub!.subscriberCount === 0, 5000, 'server side freed');
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(1);
  });
});

describe('connectSSE control messages (in-process fetch)', () => {
  it('surfaces reset and overflow, then resumes with replay', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] }, maxQueue: 3, retryMs: 1 });
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) =>
      hub!.sse(new Request(input, init))) as typeof fetch;
    const items: RealtimeItem[] = [];
    const connection = connectSSE('http://local/events', {
      fetch: fetchImpl,
      lastEventId: 'garbage',
      onEvent: (item) => items.push(item),
    });
    await until(() => items.length === 1, 5000, 'reset');
    expect(items[0]).toMatchObject({ type: 'reset', reason: 'unknown_id' });
    // The consumer is busy while 10 events arrive in one go: the server cuts it off.
    for (let i = 0; i < 10; i++) bus.emit('burst' as never, { i } as never);
    await until(() => items.some((i) => i.type === 'overflow'), 5000, 'overflow');
    // It reconnects with its last id and gets the events the buffer still has.
    await until(() => items.filter((i) => i.topic !== undefined).length >= 10, 5000, 'replay');
    const numbers = items.filter((i) => i.topic !== undefined).map((i) => (i.data as { i: number }).i);
    expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    connection.close();
    await connection.done;
    await until(() => hub!.subscriberCount === 0, 5000, 'freed');
  });

  it('decodes frames and UTF-8 characters split across chunks at any byte', async () => {
    const message = { id: 'e-1', topic: 't', type: 'x', data: { s: 'a🌍b日本' }, time: 'now' };
    const bytes = new TextEncoder().encode(`retry: 5\n\nid: e-1\nevent: t\ndata: ${JSON.stringify(message)}\n\n`);
    for (let cut = 1; cut < bytes.length; cut += 3) {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, cut));
          c.enqueue(bytes.slice(cut));
          c.close();
        },
      });
      const fetchImpl = (async () =>
        new Response(body, { headers: { 'content-type': 'text/event-stream' } })) as unknown as typeof fetch;
      const connection = connectSSE('http://local/events', { fetch: fetchImpl });
      const iterator = connection[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual(message);
      expect(connection.lastEventId).toBe('e-1');
      await iterator.return?.();
    }
  });

  it('refuses bad options with CONFIG and a bad URL with INVALID_URL', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isIntegrationError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => connectSSE('http://[bad'))).toBe('INVALID_URL');
    expect(codeOf(() => connectSSE('http://x/', { topics: 'a' as never }))).toBe('CONFIG');
    expect(codeOf(() => connectSSE('http://x/', { maxRetries: -1 }))).toBe('CONFIG');
    expect(codeOf(() => connectSSE('http://x/', { backoff: {} as never }))).toBe('CONFIG');
  });
});
