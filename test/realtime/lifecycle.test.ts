import { once } from 'node:events';
import { connect } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import type { RealtimeHub } from '../../src/realtime/types.js';
import { sseReader, sseRequest, until } from './helpers.js';
import { serve } from './serve.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let hub: RealtimeHub | undefined;
afterEach(() => hub?.close());

describe('backpressure', () => {
  it('cuts off a client that does not read with a final overflow event, dropping its queue', async () => {
    const bus = createBus();
    const warnings: object[] = [];
    const logger = { debug() {}, info() {}, warn: (o: object) => warnings.push(o), error() {} };
    hub = createRealtimeHub({ bus, topics: { all: ['*'] }, maxQueue: 10, logger });
    const res = await hub.sse(sseRequest());
    for (let i = 0; i < 50; i++) await bus.publish('x.y' as never, { i } as never);
    expect(hub.subscriberCount).toBe(0);
    expect(warnings).toHaveLength(1);
    const reader = sseReader(res.body!);
    const [overflow] = await reader.events(1);
    expect(overflow?.event).toBe('overflow');
    expect(JSON.parse(overflow!.data)).toEqual({ type: 'overflow' });
    await reader.ended();
  });

  it('over a real socket: a client that stops reading is disconnected, memory stays bounded', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] }, maxQueue: 20 });
    const { url, close } = await serve((req) => hub!.sse(req));
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    socket.pause();
    await until(() => hub!.subscriberCount === 1, 5000, 'client registered');
    const payload = 'x'.repeat(64 * 1024);
    let sent = 0;
    // Kernel socket buffers absorb a few MB first; the queue then fills and the client is cut off.
    while (hub.subscriberCount > 0 && sent < 5000) {
      await bus.publish('big.event' as never, { payload } as never);
      sent++;
      if (sent % 20 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(hub.subscriberCount).toBe(0);
    expect(sent).toBeLessThan(5000);
    // The client, when it reads again, gets what was already in flight and then `overflow`.
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text = text.length > 200_000 ? text.slice(-100_000) + chunk : text + chunk;
    });
    socket.resume();
    await until(() => text.includes('event: overflow'), 10_000, 'overflow event');
    socket.destroy();
    await close();
  });
});

describe('cleanup', () => {
  it('10,000 connect/abort cycles leave 0 subscribers and no growing heap', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] } });
    const cycle = async (i: number) => {
      const controller = new AbortController();
      const res = await hub!.sse(sseRequest('/events', { signal: controller.signal }));
      const reader = res.body!.getReader();
      await reader.read(); // the retry: frame
      if (i % 2 === 0) controller.abort();
      else await reader.cancel();
    };
    const heap = async () => {
      for (let k = 0; k < 3; k++) {
        await new Promise((r) => setTimeout(r, 20));
        gc();
      }
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 1000; i++) await cycle(i);
    await bus.publish('warm.up' as never, {} as never);
    const before = await heap();
    for (let i = 0; i < 10_000; i++) {
      await cycle(i);
      if (i % 1000 === 0) await bus.publish('tick' as never, { i } as never);
    }
    expect(hub.subscriberCount).toBe(0);
    const growth = (await heap()) - before;
    // One leaked client holds a stream, a queue and closures (> 2 KB): 10,000 would be > 20 MB.
    expect(growth).toBeLessThan(5 * 1024 * 1024);
  });

  it('clients that disconnect over real sockets are unsubscribed', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { all: ['*'] } });
    const { url, close } = await serve((req) => hub!.sse(req));
    for (let i = 0; i < 200; i++) {
      const controller = new AbortController();
      const res = await fetch(`${url}/events`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
    }
    await until(() => hub!.subscriberCount === 0, 5000, 'all unsubscribed');
    await close();
  });
});
