import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisTransport } from '../../src/bus/redis/index.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { transportContract } from './fixtures/contract.js';

await describeWithService('redis', 'redisTransport', () => {
  const redis = new Redis({ lazyConnect: true });
  const clients: Redis[] = [];
  const streams: string[] = [];
  let stream = '';
  const fresh = () => {
    stream = uniquePrefix('bus');
    streams.push(stream, `${stream}:dead`);
  };
  fresh();
  afterAll(async () => {
    await redis.del(...streams);
    redis.disconnect();
    for (const c of clients) c.disconnect();
  });

  transportContract({
    make(options = {}) {
      const client = new Redis();
      clients.push(client);
      return redisTransport(client, { stream, blockMs: 200, claimIdleMs: 30_000, ...options });
    },
    reset: fresh,
    stored: () => redis.xlen(stream),
    async pending(group, type) {
      const summary = (await redis.xpending(stream, `${group}:${type}`)) as [number];
      return Number(summary[0]);
    },
    async deadLetters() {
      const rows = await redis.xrange(`${stream}:dead`, '-', '+');
      return rows.map(([, f]) => {
        const get = (k: string) => f[f.indexOf(k) + 1] as string;
        return { body: get('e'), error: JSON.parse(get('error')), group: get('group') };
      });
    },
    async rawPublish(_type, body) {
      await redis.xadd(stream, '*', 'e', body, 'o', 'elsewhere');
    },
  });

  describe('redis specifics', () => {
    it('caps the stream with MAXLEN ~ and refuses a non-ioredis client', async () => {
      const client = new Redis();
      clients.push(client);
      const transport = redisTransport(client, { stream, maxLen: 10 });
      for (let i = 0; i < 300; i++) {
        await transport.publish({ specversion: '1.0', id: `e${i}`, source: 's', type: 't', time: '', data: i });
      }
      expect(await redis.xlen(stream)).toBeLessThan(300);
      expect(() => redisTransport({} as Redis)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      expect(() => redisTransport(client, { maxLen: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      await transport.close();
    });

    it('publish rejects (never throws) for a bad envelope or a closed transport, and writes nothing; maxLen false keeps all', async () => {
      fresh();
      const client = new Redis();
      clients.push(client);
      const transport = redisTransport(client, { stream, maxLen: false });
      const envelope = (data: unknown) => ({
        specversion: '1.0' as const,
        id: 'x',
        source: 's',
        type: 't',
        time: '',
        data,
      });
      let rejected: Promise<void> | undefined;
      expect(() => {
        rejected = transport.publish(envelope(1n));
      }).not.toThrow();
      await expect(rejected).rejects.toMatchObject({ code: 'NOT_SERIALIZABLE' });
      for (let i = 0; i < 300; i++) await transport.publish(envelope(i));
      expect(await redis.xlen(stream)).toBe(300);
      await transport.close();
      expect(() => {
        rejected = transport.publish(envelope(2));
      }).not.toThrow();
      await expect(rejected).rejects.toMatchObject({ code: 'CONFIG' });
      expect(await redis.xlen(stream)).toBe(300);
    });

    it('an XACK that fails leaves its batch pending; it is handled again and acked (at-least-once)', async () => {
      fresh();
      const client = new Redis();
      clients.push(client);
      const xack = client.xack.bind(client) as (...args: unknown[]) => Promise<number>;
      let failed = 0;
      (client as unknown as { xack: unknown }).xack = (...args: unknown[]) => {
        if (failed++ === 0) return Promise.reject(new Error('connection lost'));
        return xack(...args);
      };
      const warnings: string[] = [];
      const logger = { ...console, warn: (_: unknown, msg?: string) => void warnings.push(String(msg)) };
      const transport = redisTransport(client, { stream, consumer: 'c1', blockMs: 200, logger });
      const seen = new Map<string, number>();
      transport.subscribe('t', 'mail', async (e) => void seen.set(e.id, (seen.get(e.id) ?? 0) + 1));
      await transport.ready();
      for (let i = 0; i < 5; i++) {
        await redis.xadd(
          stream,
          '*',
          'e',
          JSON.stringify({ specversion: '1.0', id: `a${i}`, source: 's', type: 't', time: 'now', data: i }),
          'o',
          'x',
        );
      }
      const end = Date.now() + 5000;
      const pendingNow = async () => Number(((await redis.xpending(stream, 'mail:t')) as [number])[0]);
      while ((seen.size < 5 || (await pendingNow()) > 0) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      await transport.close();
      expect(seen.size).toBe(5);
      expect([...seen.values()].some((n) => n === 2)).toBe(true); // the batch whose ack failed ran again
      expect([...seen.values()].every((n) => n <= 2)).toBe(true);
      expect(warnings.length).toBeGreaterThan(0);
      expect(await pendingNow()).toBe(0);
    });

    it('a restarted consumer with the same name takes back its own pending entries at once', async () => {
      const group = 'mail:t';
      await redis.xgroup('CREATE', stream, group, '$', 'MKSTREAM');
      const envelope = { specversion: '1.0', id: 'p1', source: 's', type: 't', time: 'now', data: 1 };
      await redis.xadd(stream, '*', 'e', JSON.stringify(envelope), 'o', 'x');
      // A previous run of "pod-1" read it and died before acking.
      await redis.xreadgroup('GROUP', group, 'pod-1', 'COUNT', 10, 'STREAMS', stream, '>');
      const client = new Redis();
      clients.push(client);
      const transport = redisTransport(client, { stream, consumer: 'pod-1', claimIdleMs: 60_000, blockMs: 200 });
      const got: string[] = [];
      transport.subscribe('t', 'mail', async (e) => void got.push(e.id));
      const end = Date.now() + 5000;
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual(['p1']);
      await transport.close();
      expect(Number(((await redis.xpending(stream, group)) as [number])[0])).toBe(0);
    });

    it('an event whose consumers died maxAttempts times is dead-lettered without running again', async () => {
      const group = 'mail:t';
      await redis.xgroup('CREATE', stream, group, '$', 'MKSTREAM');
      const envelope = { specversion: '1.0', id: 'crasher', source: 's', type: 't', time: 'now', data: 1 };
      await redis.xadd(stream, '*', 'e', JSON.stringify(envelope), 'o', 'x');
      // Two earlier runs of "pod-1" got it and crashed before acking.
      await redis.xreadgroup('GROUP', group, 'pod-1', 'STREAMS', stream, '>');
      await redis.xreadgroup('GROUP', group, 'pod-1', 'STREAMS', stream, '0');
      const client = new Redis();
      clients.push(client);
      const transport = redisTransport(client, { stream, consumer: 'pod-1', maxAttempts: 2, blockMs: 200 });
      let calls = 0;
      transport.subscribe('t', 'mail', async () => {
        calls++;
      });
      const end = Date.now() + 5000;
      while ((await redis.xlen(`${stream}:dead`)) === 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      await transport.close();
      expect(calls).toBe(0);
      const [dead] = await redis.xrange(`${stream}:dead`, '-', '+');
      expect(dead?.[1]).toEqual(expect.arrayContaining(['attempts', '2']));
      expect(Number(((await redis.xpending(stream, group)) as [number])[0])).toBe(0);
    });
  });
});
