import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBus } from '../../src/bus/index.js';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import { attachWebSocket, type WebSocketBridge } from '../../src/realtime/node/index.js';
import type { RealtimeHub } from '../../src/realtime/types.js';
import { createTestClock } from '../../src/testing/index.js';
import { until } from './helpers.js';

const topics = { ai_progress: ['ai.*'], automation_status: ['workflow.*'], secret_admin: ['admin.*'] };
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(options: Partial<Parameters<typeof attachWebSocket>[2]> = {}, hubOptions = {}) {
  const bus = createBus();
  const hub: RealtimeHub = createRealtimeHub({ bus, topics, ...hubOptions });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const bridge: WebSocketBridge = attachWebSocket(server, hub, { path: '/ws', ...options });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  cleanup.push(
    () => hub.close(),
    () => bridge.close(),
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { bus, hub, bridge, server, url };
}

interface Client {
  ws: WebSocket;
  messages: any[];
  next(count?: number): Promise<any[]>;
  send(value: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

async function client(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, options);
  const messages: any[] = [];
  let read = 0;
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await once(ws, 'open');
  cleanup.push(() => ws.terminate());
  return {
    ws,
    messages,
    closed,
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    async next(count = 1) {
      await until(() => messages.length >= read + count, 5000, `${count} message(s)`);
      const out = messages.slice(read, read + count);
      read += count;
      return out;
    },
  };
}

describe('attachWebSocket', () => {
  it('subscribes, receives { id, topic, type, data, time }, unsubscribes', async () => {
    const { bus, hub, url } = await setup();
    const c = await client(url);
    c.send({ type: 'subscribe', topics: ['ai_progress', 'automation_status'] });
    expect(await c.next()).toEqual([{ type: 'subscribed', topics: ['ai_progress', 'automation_status'] }]);
    await bus.publish('ai.step' as never, { pct: 50 } as never);
    await bus.publish('workflow.started', { workflow: 'onboard', runId: 'r1' });
    const [a, b] = await c.next(2);
    expect(a).toEqual({
      id: hub.lastEventId?.replace(/\d+$/, '1'),
      topic: 'ai_progress',
      type: 'ai.step',
      data: { pct: 50 },
      time: expect.any(String),
    });
    expect(b).toMatchObject({ topic: 'automation_status', type: 'workflow.started', data: { runId: 'r1' } });
    c.send({ type: 'unsubscribe', topics: ['ai_progress'] });
    expect(await c.next()).toEqual([{ type: 'unsubscribed', topics: ['automation_status'] }]);
    await bus.publish('ai.step' as never, { pct: 60 } as never);
    await bus.publish('workflow.completed', { workflow: 'onboard', runId: 'r1', durationMs: 5 });
    const [c3] = await c.next();
    expect(c3.type).toBe('workflow.completed');
    expect(hub.subscriberCount).toBe(1);
    c.ws.close();
    await until(() => hub.subscriberCount === 0, 5000, 'unsubscribed on close');
  });

  it('replays with lastEventId, and sends reset when it is too old', async () => {
    const { bus, hub, url } = await setup({}, { replay: 5 });
    await bus.publish('ai.a' as never, { n: 1 } as never);
    const mark = hub.lastEventId!;
    await bus.publish('ai.a' as never, { n: 2 } as never);
    await bus.publish('ai.a' as never, { n: 3 } as never);
    const c = await client(url);
    c.send({ type: 'subscribe', topics: ['ai_progress'], lastEventId: mark });
    const [ack, r2, r3] = await c.next(3);
    expect(ack.type).toBe('subscribed');
    expect([r2.data.n, r3.data.n]).toEqual([2, 3]);
    for (let i = 0; i < 10; i++) await bus.publish('ai.more' as never, {} as never);
    const d = await client(url);
    d.send({ type: 'subscribe', topics: ['ai_progress'], lastEventId: mark });
    const [, reset] = await d.next(2);
    expect(reset).toEqual({ type: 'reset', reason: 'too_old', lastEventId: hub.lastEventId });
  });

  it('refuses an unauthorized upgrade with 401 and only grants allowed topics', async () => {
    const authorize = (req: Request) =>
      req.headers.get('authorization') === 'Bearer user' ? { topics: ['ai_progress'] } : (false as const);
    const { bus, url } = await setup({ authorize });
    const refused = new WebSocket(url, { headers: { authorization: 'Bearer nope' } });
    refused.on('error', () => undefined);
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(401);
    refused.terminate();

    const c = await client(url, { headers: { authorization: 'Bearer user' } });
    c.send({ type: 'subscribe', topics: ['ai_progress', 'secret_admin', 'no_such_topic'] });
    expect(await c.next()).toEqual([{ type: 'subscribed', topics: ['ai_progress'] }]);
    await bus.publish('admin.x' as never, { secret: 1 } as never);
    await bus.publish('ai.y' as never, {} as never);
    const [event] = await c.next();
    expect(event.topic).toBe('ai_progress');
    expect(c.messages.some((m) => m.topic === 'secret_admin')).toBe(false);
  });

  it('uses the hub authorize by default and answers 404 on other paths', async () => {
    const { url } = await setup({}, { authorize: () => false });
    const refused = new WebSocket(url);
    refused.on('error', () => undefined);
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(401);
    const other = new WebSocket(url.replace('/ws', '/elsewhere'));
    other.on('error', () => undefined);
    const [, res2] = (await once(other, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res2.statusCode).toBe(404);
  });

  it('closes malformed messages with 1008 and oversized ones with 1009, and keeps serving', async () => {
    const { bridge, url } = await setup({ maxPayload: 1024 });
    const bad: unknown[] = [
      'not json',
      '[]',
      'null',
      '{"type":"subscribe"}',
      '{"type":"subscribe","topics":"ai_progress"}',
      '{"type":"subscribe","topics":[1]}',
      '{"type":"nope","topics":[]}',
      '{"type":"subscribe","topics":[],"lastEventId":5}',
      JSON.stringify({ type: 'subscribe', topics: Array(101).fill('a') }),
    ];
    for (const message of bad) {
      const c = await client(url);
      c.send(message);
      expect((await c.closed).code).toBe(1008);
    }
    const binary = await client(url);
    binary.ws.send(Buffer.from('{"type":"subscribe","topics":[]}'));
    expect((await binary.closed).code).toBe(1008);
    const big = await client(url);
    big.send({ type: 'subscribe', topics: ['x'.repeat(2000)] });
    expect((await big.closed).code).toBe(1009);
    await until(() => bridge.clients === 0, 5000, 'sockets gone');
    const ok = await client(url);
    ok.send({ type: 'subscribe', topics: ['ai_progress'] });
    expect((await ok.next())[0].type).toBe('subscribed');
  });

  it('survives arbitrary client messages (property): each is served or closed with 1008/1009', async () => {
    const { url, hub } = await setup({ maxPayload: 512 });
    let crashes = 0;
    const onCrash = () => crashes++;
    process.on('uncaughtException', onCrash);
    cleanup.push(() => process.off('uncaughtException', onCrash));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc.json({ maxDepth: 3 }),
          fc
            .record({
              type: fc.constantFrom('subscribe', 'unsubscribe'),
              topics: fc.array(fc.string(), { maxLength: 5 }),
            })
            .map((v) => JSON.stringify(v)),
        ),
        async (message) => {
          const c = await client(url);
          c.send(message);
          const outcome = await Promise.race([c.closed.then((x) => x.code), c.next().then(() => 'answered' as const)]);
          expect([1008, 1009, 'answered']).toContain(outcome);
          c.ws.terminate();
        },
      ),
      { numRuns: 60 },
    );
    expect(crashes).toBe(0);
    await until(() => hub.subscriberCount === 0, 5000, 'all freed');
  });

  it('terminates a client that stops answering pings (on the injected clock)', async () => {
    const clock = createTestClock();
    const { hub, bridge, url } = await setup({ clock, pingIntervalMs: 1000 });
    const live = await client(url);
    const dead = await client(url, { autoPong: false });
    live.send({ type: 'subscribe', topics: ['ai_progress'] });
    dead.send({ type: 'subscribe', topics: ['ai_progress'] });
    await live.next();
    await dead.next();
    await clock.advance(1000); // ping
    await new Promise((r) => setTimeout(r, 50)); // pong travels back over the socket
    await clock.advance(1000); // the silent one is terminated
    expect((await dead.closed).code).toBe(1006);
    await until(() => bridge.clients === 1 && hub.subscriberCount === 1, 5000, 'only the live client left');
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('cuts off a client whose bufferedAmount exceeds the cap, with an overflow message', async () => {
    const { bus, hub, url } = await setup({ maxBufferedBytes: 256 * 1024 });
    const c = await client(url);
    c.send({ type: 'subscribe', topics: ['ai_progress'] });
    await c.next();
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading
    const payload = 'y'.repeat(64 * 1024);
    let sent = 0;
    while (hub.subscriberCount > 0 && sent < 3000) {
      await bus.publish('ai.big' as never, { payload } as never);
      if (++sent % 20 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(hub.subscriberCount).toBe(0);
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await c.closed;
    expect(code).toBe(1013);
    expect(c.messages.at(-1)).toEqual({ type: 'overflow' });
  });

  it('close() closes sockets with 1001; bad options throw CONFIG', async () => {
    const { bridge, url } = await setup();
    const c = await client(url);
    await bridge.close();
    expect((await c.closed).code).toBe(1001);
    const second = await setup();
    const d = await client(second.url);
    second.hub.close(); // closing the hub closes its sockets and refuses new upgrades
    expect((await d.closed).code).toBe(1001);
    const refused = new WebSocket(second.url);
    refused.on('error', () => undefined);
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(503);
    const hub = createRealtimeHub({ bus: createBus(), topics });
    const server = createServer();
    for (const bad of [{ path: 'ws' }, { path: '/ws', maxPayload: 1 }, { path: '/ws', authorize: 1 }]) {
      let error: unknown;
      try {
        attachWebSocket(server, hub, bad as never);
      } catch (e) {
        error = e;
      }
      expect(isIntegrationError(error) && error.code).toBe('CONFIG');
    }
    hub.close();
  });
});
