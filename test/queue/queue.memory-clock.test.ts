import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.js';
import { constant, exponential } from '../../src/policies/backoff.js';
import { createQueue, memoryDriver } from '../../src/queue/index.js';
import { createTestClock } from '../../src/testing/index.js';
import type { Logger } from '../../src/types.js';

type Queues = { knowledge_updates: { docId: string } };

/** Lets promise chains (handler, retry bookkeeping) run to their next wait. */
const flush = () => new Promise((r) => setImmediate(r));

describe('memoryDriver on a test clock', () => {
  it('holds a delayed job until the clock reaches its time', async () => {
    const clock = createTestClock();
    const runs: number[] = [];
    const queue = createQueue<Queues>({ driver: memoryDriver({ clock }), clock });
    await queue.process('knowledge_updates', () => {
      runs.push(clock.now());
    });
    const start = clock.now();
    await queue.send('knowledge_updates', { docId: 'd_1' }, { delayMs: 60_000 });
    await clock.advance(59_999);
    await flush();
    expect(runs).toEqual([]);
    expect((await queue.counts('knowledge_updates')).delayed).toBe(1);
    await clock.advance(1);
    await flush();
    expect(runs).toEqual([start + 60_000]);
    await queue.close();
  });

  it('waits the backoff between tries on the clock, then dead-letters', async () => {
    const clock = createTestClock();
    const tries: number[] = [];
    const queue = createQueue<Queues>({
      driver: memoryDriver({ clock }),
      clock,
      defaultJob: { attempts: 4, backoff: exponential({ initial: 1_000, factor: 3, max: 5_000, jitter: 'none' }) },
    });
    await queue.process('knowledge_updates', () => {
      tries.push(clock.now());
      throw new Error('index offline');
    });
    const start = clock.now();
    await queue.send('knowledge_updates', { docId: 'd_2' });
    await flush();
    await clock.runAll();
    await flush();
    // 1 s, 3 s, then 9 s capped at 5 s.
    expect(tries.map((t) => t - start)).toEqual([0, 1_000, 4_000, 9_000]);
    const [letter] = await queue.deadLetters('knowledge_updates');
    expect(letter).toMatchObject({ attempts: 4, failedAt: start + 9_000, error: { message: 'index offline' } });
    await queue.close();
  });

  it('times a try out on the clock', async () => {
    const clock = createTestClock();
    const reasons: unknown[] = [];
    const queue = createQueue<Queues>({ driver: memoryDriver({ clock }), clock, defaultJob: { timeoutMs: 30_000 } });
    await queue.process('knowledge_updates', ({ signal }) => {
      return new Promise<void>((_, reject) =>
        signal.addEventListener('abort', () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        }),
      );
    });
    await queue.send('knowledge_updates', { docId: 'd_3' });
    await flush();
    await clock.advance(29_999);
    expect(reasons).toEqual([]);
    await clock.advance(1);
    await flush();
    expect(reasons).toMatchObject([{ code: 'TIMEOUT' }]);
    expect((await queue.deadLetters('knowledge_updates'))[0]?.error.code).toBe('TIMEOUT');
    await queue.close();
  });

  it('logs failures and dead letters, and keeps a throwing bus subscriber from breaking the queue', async () => {
    const lines: Array<[string, object, string | undefined]> = [];
    const logger: Logger = {
      debug: (o, m) => lines.push(['debug', o, m]),
      info: (o, m) => lines.push(['info', o, m]),
      warn: (o, m) => lines.push(['warn', o, m]),
      error: (o, m) => lines.push(['error', o, m]),
    };
    const bus = createBus();
    bus.subscribe('queue.dead_lettered', () => {
      throw new Error('subscriber bug');
    });
    const queue = createQueue<Queues>({
      driver: memoryDriver(),
      bus,
      logger,
      defaultJob: { attempts: 2, backoff: constant(0) },
    });
    await queue.process('knowledge_updates', () => {
      throw 'a string, not an Error';
    });
    const { id } = await queue.send('knowledge_updates', { docId: 'd_4' });
    for (let i = 0; i < 20 && (await queue.counts('knowledge_updates')).dead === 0; i++) await flush();
    expect(lines.filter(([level]) => level === 'warn')).toHaveLength(2);
    expect(lines.find(([level]) => level === 'error')?.[1]).toMatchObject({
      queue: 'knowledge_updates',
      jobId: id,
      attempts: 2,
      error: { name: 'NonError', message: 'a string, not an Error' },
    });
    await queue.send('knowledge_updates', { docId: 'd_5' });
    for (let i = 0; i < 20 && (await queue.counts('knowledge_updates')).dead < 2; i++) await flush();
    expect(await queue.counts('knowledge_updates')).toMatchObject({ dead: 2, failed: 2, waiting: 0, active: 0 });
    await queue.close({ drain: false });
  });

  it('trims remembered completed jobs to keepCompleted, after which their ids may be sent again', async () => {
    const queue = createQueue<Queues>({ driver: memoryDriver({ keepCompleted: 2 }) });
    const seen: string[] = [];
    await queue.process('knowledge_updates', (job) => {
      seen.push(job.payload.docId);
    });
    for (const docId of ['a', 'b', 'c']) await queue.send('knowledge_updates', { docId }, { jobId: docId });
    for (let i = 0; i < 20 && seen.length < 3; i++) await flush();
    expect((await queue.counts('knowledge_updates')).completed).toBe(2);
    await queue.send('knowledge_updates', { docId: 'a' }, { jobId: 'a' }); // trimmed: runs again
    await queue.send('knowledge_updates', { docId: 'c' }, { jobId: 'c' }); // remembered: de-duplicated
    for (let i = 0; i < 20 && seen.length < 4; i++) await flush();
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
    await queue.close();
  });

  it('snapshots the payload at send time', async () => {
    const queue = createQueue<Queues>({ driver: memoryDriver() });
    const payload = { docId: 'before' };
    const seen: string[] = [];
    await queue.send('knowledge_updates', payload);
    payload.docId = 'after';
    await queue.process('knowledge_updates', (job) => {
      seen.push(job.payload.docId);
    });
    for (let i = 0; i < 20 && seen.length === 0; i++) await flush();
    expect(seen).toEqual(['before']);
    await queue.close();
  });

  it("runs delays and backoff waits on createQueue's clock when the driver was given none", async () => {
    const clock = createTestClock();
    const runs: number[] = [];
    const queue = createQueue<Queues>({
      driver: memoryDriver(),
      clock,
      defaultJob: { attempts: 2, backoff: constant(600_000) },
    });
    let failOnce = true;
    await queue.process('knowledge_updates', () => {
      runs.push(clock.now());
      if (failOnce) {
        failOnce = false;
        throw new Error('index offline');
      }
    });
    const start = clock.now();
    await queue.send('knowledge_updates', { docId: 'd_1' }, { delayMs: 86_400_000 });
    await flush();
    expect(runs).toEqual([]);
    expect((await queue.counts('knowledge_updates')).delayed).toBe(1);
    await clock.advance(86_400_000);
    await flush();
    expect(runs).toEqual([start + 86_400_000]);
    await clock.advance(600_000);
    await flush();
    expect(runs).toEqual([start + 86_400_000, start + 87_000_000]);
    expect((await queue.counts('knowledge_updates')).completed).toBe(1);
    await queue.close();
  });

  it('refuses a queue clock that differs from the one the driver already runs on', () => {
    const own = createTestClock();
    expect(() => createQueue<Queues>({ driver: memoryDriver({ clock: own }), clock: createTestClock() })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => createQueue<Queues>({ driver: memoryDriver({ clock: own }), clock: own })).not.toThrow();
    const shared = memoryDriver();
    createQueue<Queues>({ driver: shared, clock: own });
    expect(() => createQueue<Queues>({ driver: shared, clock: createTestClock() })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  it('keeps the newest keepDeadLetters dead letters, dropping the oldest first', async () => {
    const queue = createQueue<Queues>({ driver: memoryDriver({ keepDeadLetters: 2 }) });
    await queue.process('knowledge_updates', (job) => {
      throw new Error(`refused ${job.payload.docId}`);
    });
    for (const docId of ['a', 'b', 'c']) await queue.send('knowledge_updates', { docId }, { jobId: docId });
    for (let i = 0; i < 20 && (await queue.counts('knowledge_updates')).failed < 3; i++) await flush();
    expect((await queue.deadLetters('knowledge_updates')).map((l) => l.id)).toEqual(['b', 'c']);
    expect((await queue.counts('knowledge_updates')).dead).toBe(2);
    await expect(queue.retryDeadLetter('knowledge_updates', 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await queue.close();
  });

  it('keeps 1,000 dead letters per queue by default', async () => {
    const queue = createQueue<Queues>({ driver: memoryDriver() });
    await queue.process(
      'knowledge_updates',
      () => {
        throw new Error('refused');
      },
      { concurrency: 100 },
    );
    await queue.sendMany(
      'knowledge_updates',
      Array.from({ length: 1_005 }, (_, i) => ({ payload: { docId: `d${i}` }, options: { jobId: `d${i}` } })),
    );
    for (let i = 0; i < 50 && (await queue.counts('knowledge_updates')).failed < 1_000; i++) await flush();
    expect((await queue.counts('knowledge_updates')).dead).toBe(1_000);
    const letters = await queue.deadLetters('knowledge_updates', { limit: 10_000 });
    expect(letters[0]?.id).toBe('d5');
    expect(letters.at(-1)?.id).toBe('d1004');
    await queue.close();
  });

  it('rejects bad driver options with CONFIG', () => {
    expect(() => memoryDriver({ keepCompleted: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryDriver({ keepFailed: 1.5 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryDriver({ keepDeadLetters: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryDriver(null as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => memoryDriver({ clock: {} as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
