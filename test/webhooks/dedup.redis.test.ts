import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookRouter, github, redisDedup, signWebhook } from '../../src/webhooks/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';

await describeWithService('redis', 'redisDedup against a real Redis', () => {
  let redis: Redis;
  const prefix = `${uniquePrefix('webhooks')}:`;

  beforeAll(() => {
    redis = new Redis(services.redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('claims with SET NX PX, commits with the ttl, releases with DEL', async () => {
    const store = redisDedup(redis, { ttlMs: 60_000, pendingMs: 5_000, prefix });
    expect(await store.claim('a')).toBe('new');
    expect(await redis.get(`${prefix}a`)).toBe('pending');
    const pendingTtl = await redis.pttl(`${prefix}a`);
    expect(pendingTtl).toBeGreaterThan(0);
    expect(pendingTtl).toBeLessThanOrEqual(5_000);
    expect(await store.claim('a')).toBe('pending');
    await store.commit('a');
    expect(await store.claim('a')).toBe('done');
    expect(await redis.pttl(`${prefix}a`)).toBeGreaterThan(5_000);
    expect(await store.claim('b')).toBe('new');
    await store.release('b');
    expect(await redis.exists(`${prefix}b`)).toBe(0);
    expect(await store.claim('b')).toBe('new');
  });

  it('only one of many concurrent claims wins', async () => {
    const store = redisDedup(redis, { prefix });
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim('race')));
    expect(claims.filter((c) => c === 'new')).toHaveLength(1);
    expect(claims.filter((c) => c === 'pending')).toHaveLength(19);
  });

  it('pending claims expire so a crashed delivery is retried', async () => {
    const store = redisDedup(redis, { prefix, pendingMs: 50 });
    expect(await store.claim('crash')).toBe('new');
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.claim('crash')).toBe('new');
  });

  it('two routers (two app instances) share the dedup state', async () => {
    const scheme = github({ secret: 's' });
    const make = () =>
      createWebhookRouter({ routes: { '/gh': { scheme } }, dedup: redisDedup(redis, { prefix, ttlMs: 60_000 }) });
    const [one, two] = [make(), make()];
    const body = '{"action":"opened"}';
    const headers = await signWebhook(body, scheme, { id: 'delivery-1' });
    const request = () => new Request('https://x.test/gh', { method: 'POST', body, headers });
    expect((await one.fetch(request())).status).toBe(202);
    expect((await two.fetch(request())).status).toBe(200);
  });
});
