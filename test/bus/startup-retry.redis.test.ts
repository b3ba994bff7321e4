import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { redisTransport } from '../../src/bus/redis/index.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';

type Events = { 'order.paid': { orderId: string } };

/** The real client, whose `XREVRANGE` (the broadcast's start position) fails the first time. */
function flaky(redis: Redis): Redis {
  let failed = false;
  return new Proxy(redis, {
    get(target, key) {
      if (key === 'xrevrange' && !failed) {
        failed = true;
        return () => Promise.reject(new Error('Connection is closed.'));
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

await describeWithService('redis', 'redisTransport when Redis fails at startup', () => {
  const stream = uniquePrefix('busstart');
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis();
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await clients[0]?.del(stream, `${stream}:dead`);
    for (const c of clients) c.disconnect();
  });

  it('a broadcast whose start position could not be read starts at the end, not at the history', async () => {
    const publisher = createBus<Events>({ transport: redisTransport(client(), { stream, blockMs: 100 }) });
    for (let i = 0; i < 5; i++) await publisher.publish('order.paid', { orderId: `old_${i}` });

    const transport = redisTransport(flaky(client()), { stream, blockMs: 100 });
    const follower = createBus<Events>({ transport });
    const seen: string[] = [];
    follower.subscribe('order.paid', (e) => void seen.push(e.data.orderId));
    await transport.ready();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the loop's retry after the failure
    await publisher.publish('order.paid', { orderId: 'new' });
    const deadline = Date.now() + 5000;
    while (!seen.includes('new') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // Before: the follower read the stream from 0-0 and replayed every old event.
    expect(seen).toEqual(['new']);
    await follower.close();
    await publisher.close();
  }, 20_000);
});
