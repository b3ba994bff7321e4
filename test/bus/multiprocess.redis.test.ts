import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { disrupted, exchange, killConsumer } from './fixtures/scenarios.js';

await describeWithService('redis', 'redis transport across processes', () => {
  const admin = new Redis({ lazyConnect: true });
  const streams: string[] = [];
  const prefix = (label: string) => {
    const p = uniquePrefix(label);
    streams.push(p, `${p}:dead`);
    return p;
  };
  afterAll(async () => {
    if (streams.length) await admin.del(...streams);
    admin.disconnect();
  });
  const fast = { blockMs: 500, claimIdleMs: 1000 };
  // No process dies here: a long claim time keeps a stalled (loaded) machine from redelivering.
  const steady = { blockMs: 500, claimIdleMs: 30_000 };

  it('2 processes exchange 10,000 events: all to every broadcast subscriber, one group member each', async () => {
    await exchange('redis', prefix('bx2'), 2, 10_000, steady);
  }, 120_000);

  it('3 processes exchange 10,000 events', async () => {
    await exchange('redis', prefix('bx3'), 3, 10_000, steady);
  }, 120_000);

  it('a SIGKILLed consumer’s pending entries are claimed by another member', async () => {
    const stream = prefix('bkill');
    const group = 'workers:load.tick';
    await killConsumer('redis', stream, 500, { ...fast, batchSize: 20 }, async () => {
      // What the dead member was delivered and never acked, as Redis sees it right after the kill.
      const rows = (await admin.xpending(stream, group, '-', '+', 10_000, 'a')) as Array<[string, string]>;
      const entries = await admin.xrange(stream, '-', '+');
      const envelopeId = new Map(entries.map(([id, f]) => [id, JSON.parse(f[f.indexOf('e') + 1] as string).id]));
      return rows.map((r) => envelopeId.get(r[0]) as string);
    });
  }, 120_000);

  it('CLIENT KILL of every connection: clients reconnect, no acknowledged publish is lost', async () => {
    const stream = prefix('bckill');
    await disrupted('redis', stream, 3000, fast, async () => {
      for (let round = 0; round < 3; round++) {
        const list = String(await admin.client('LIST'));
        const ids = list
          .split('\n')
          .filter((l) => l.includes(`name=${stream}:`))
          .map((l) => /id=(\d+)/.exec(l)?.[1]);
        expect(ids.length).toBeGreaterThanOrEqual(4);
        for (const id of ids) await admin.client('KILL', 'ID', id as string);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    });
  }, 120_000);
});
