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

    it('an XACK that fails leaves its batch pending and is tried again: acked once it passes, not run again', async () => {
      fresh();
      // A user the server refuses XACK to, until it is granted again: the failure comes from the
      // broker, whichever connection sends the ack.
      const user = `bus-noack-${stream.slice(-8)}`;
      await redis.call('ACL', 'SETUSER', user, 'reset', 'on', 'nopass', '~*', '&*', '+@all', '-xack');
      const client = new Redis({ username: user });
      try {
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
        const pendingNow = async () => Number(((await redis.xpending(stream, 'mail:t')) as [number])[0]);
        const until = async (done: () => Promise<boolean> | boolean) => {
          const end = Date.now() + 5000;
          while (!(await done()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        };
        await until(() => warnings.length > 0);
        expect(warnings.length).toBeGreaterThan(0);
        expect(seen.size).toBeGreaterThan(0);
        // What was handled stays pending (and the consumer reads no further while its acks fail).
        expect(await pendingNow()).toBeGreaterThanOrEqual(seen.size);
        await redis.call('ACL', 'SETUSER', user, '+xack');
        await until(async () => seen.size === 5 && (await pendingNow()) === 0);
        await transport.close();
        expect(await pendingNow()).toBe(0);
        expect(seen.size).toBe(5);
        expect([...seen.values()].every((n) => n === 1)).toBe(true); // the kept acks went through
      } finally {
        client.disconnect();
        await redis.call('ACL', 'DELUSER', user);
      }
    });

    it('a handled batch is acked while the consumer waits for more, not held until the next entries', async () => {
      fresh();
      const client = new Redis();
      clients.push(client);
      const transport = redisTransport(client, { stream, consumer: 'c1', blockMs: 5000 });
      let handled = 0;
      transport.subscribe('t', 'mail', async () => void handled++);
      await transport.ready();
      for (let i = 0; i < 3; i++) {
        await redis.xadd(
          stream,
          '*',
          'e',
          JSON.stringify({ specversion: '1.0', id: `s${i}`, source: 's', type: 't', time: 'now', data: i }),
          'o',
          'x',
        );
      }
      const end = Date.now() + 5000;
      while (handled < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      const pendingNow = async () => Number(((await redis.xpending(stream, 'mail:t')) as [number])[0]);
      // The consumer now blocks up to 5 s in its next read; the ack went out with it.
      const soon = Date.now() + 1000;
      while ((await pendingNow()) > 0 && Date.now() < soon) await new Promise((r) => setTimeout(r, 10));
      expect(await pendingNow()).toBe(0);
      await transport.close();
      expect(handled).toBe(3);
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
