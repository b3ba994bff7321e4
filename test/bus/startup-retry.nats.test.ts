import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { natsTransport } from '../../src/bus/nats/index.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { shareNats } from './fixtures/nats-lock.js';

type Events = { 'order.paid': { orderId: string } };

const releaseNats = await shareNats();
afterAll(releaseNats);

/** The real connection, whose JetStream management API fails its first `failures` calls. */
function flaky(nc: NatsConnection, failures: number): NatsConnection {
  let left = failures;
  return new Proxy(nc, {
    get(target, key) {
      if (key === 'jetstreamManager') {
        return (...args: unknown[]) =>
          left-- > 0
            ? Promise.reject(new Error('JetStream not available yet'))
            : (target.jetstreamManager as (...a: unknown[]) => unknown)(...args);
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

await describeWithService('nats', 'natsTransport when JetStream is not ready at startup', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });

  for (const mode of ['group', 'broadcast'] as const) {
    it(`a ${mode} subscription whose setup failed keeps trying and then receives events`, async () => {
      const stream = uniquePrefix('busstart').replace(/[^A-Za-z0-9_-]/g, '_');
      streams.push(stream, `${stream}_DEAD`);
      const subjectPrefix = stream.toLowerCase();
      // Before: the failed setup ended the consumer for good and no event ever arrived.
      const consumer = createBus<Events>({ transport: natsTransport(flaky(nc, 1), { stream, subjectPrefix }) });
      const seen: string[] = [];
      consumer.subscribe('order.paid', (e) => void seen.push(e.id), mode === 'group' ? { group: 'mailer' } : {});
      const publisher = createBus<Events>({ transport: natsTransport(nc, { stream, subjectPrefix }) });
      const deadline = Date.now() + 15_000;
      const ids: string[] = [];
      // Publish until the subscription is up (a broadcast follows from its start only).
      while (seen.length === 0 && Date.now() < deadline) {
        ids.push((await publisher.publish('order.paid', { orderId: 'o_1' })).id);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen.length).toBeGreaterThan(0);
      expect(ids).toEqual(expect.arrayContaining(seen));
      await consumer.close();
      await publisher.close();
    }, 30_000);
  }
});
