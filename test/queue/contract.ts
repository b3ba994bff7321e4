import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/create-bus.js';
import type { SystemEvents } from '../../src/bus/system-events.js';
import type { Envelope } from '../../src/bus/types.js';
import { IntegrationError, isIntegrationError } from '../../src/errors/integration-error.js';
import { isNotFoundError } from '../../src/errors/not-found-error.js';
import { isValidationError } from '../../src/errors/validation-error.js';
import { constant, exponential } from '../../src/policies/backoff.js';
import { createQueue, type Job, type Queue, type QueueDriver } from '../../src/queue/index.js';
import type { TestClock } from '../../src/testing/index.js';

/** What each driver's test file provides to the shared suite. */
export interface ContractSetup {
  /** A fresh driver (with the options both drivers share); the suite closes it after each test. */
  makeDriver(options?: { keepDeadLetters?: number }): QueueDriver;
  /**
   * A test clock the driver runs on: the suite then moves it instead of sleeping (delays,
   * backoff, waits while paused). Real-time drivers leave it out.
   */
  clock?: TestClock;
}

type Queues = {
  ai_tasks: { prompt: string };
  automation_tasks: { flowId: string; step?: number };
  voice_tasks: { callId: string };
};

/** Polls `check` until it returns true (or fails the test after `timeoutMs` of real time). */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  between: () => Promise<unknown> = () => new Promise((r) => setTimeout(r, 10)),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await between();
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pollUntil = until;

/**
 * The behaviour every `QueueDriver` must show through `createQueue`. Each driver's test file
 * calls this once; nothing here knows which backend runs.
 */
export function queueContract(setup: ContractSetup): void {
  const { clock } = setup;
  /** Lets `ms` pass for the driver: on its test clock when it has one, else in real time. */
  const pass = (ms: number) => (clock ? clock.advance(ms).then(() => pause(1)) : pause(ms));
  /** Handler work lasting `ms` of the driver's time. */
  const work = (ms: number) => (clock ? new Promise<void>((r) => clock.setTimeout(r, ms)) : pause(ms));
  const now = () => (clock ? clock.now() : Date.now());
  // Within the suite, polling moves the test clock between checks.
  const until = (check: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string) =>
    pollUntil(check, timeoutMs, what, () => pass(10));
  let open: Array<Queue<Queues>> = [];
  afterEach(async () => {
    await Promise.all(open.map((q) => q.close({ drain: false })));
    open = [];
  });

  function make(
    extra: Partial<Parameters<typeof createQueue<Queues>>[0]> = {},
    driverOptions?: Parameters<ContractSetup['makeDriver']>[0],
  ) {
    const bus = createBus();
    const events: Envelope[] = [];
    bus.subscribe('*', (e) => {
      if (e.type.startsWith('queue.')) events.push(e);
    });
    const queue = createQueue<Queues>({
      driver: setup.makeDriver(driverOptions),
      bus,
      ...(clock ? { clock } : {}),
      schemas: { automation_tasks: z.object({ flowId: z.string().min(1), step: z.number().int().optional() }) },
      ...extra,
    });
    open.push(queue);
    const of = <K extends keyof SystemEvents>(type: K) =>
      events.filter((e) => e.type === type).map((e) => e.data as SystemEvents[K]);
    return { queue, bus, events, of };
  }

  it('delivers a job to its handler with id, name, payload, attempt and signal, and publishes events', async () => {
    const { queue, of } = make();
    const seen: Array<Job<Queues['ai_tasks']>> = [];
    await queue.process('ai_tasks', (job) => {
      seen.push(job);
    });
    const { id } = await queue.send('ai_tasks', { prompt: 'summarise the call' });
    await until(() => of('queue.completed').length === 1, 10_000, 'completion');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id, name: 'ai_tasks', payload: { prompt: 'summarise the call' }, attempt: 1 });
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(of('queue.enqueued')).toEqual([{ queue: 'ai_tasks', jobId: id }]);
    const done = of('queue.completed')[0];
    expect(done).toMatchObject({ queue: 'ai_tasks', jobId: id, attempt: 1 });
    expect(done?.durationMs).toBeGreaterThanOrEqual(0);
    await until(async () => (await queue.counts('ai_tasks')).completed === 1, 5_000, 'completed count');
  });

  it('rejects a payload failing its schema with ValidationError and enqueues nothing', async () => {
    const { queue, of } = make();
    const canary = 'sk-canary-3f9a1c';
    const error = await queue
      .send('automation_tasks', { flowId: '', apiKey: canary } as unknown as Queues['automation_tasks'])
      .catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(JSON.stringify((error as IntegrationError).toJSON())).not.toContain(canary);
    expect((error as Error).message).not.toContain(canary);
    const batch = await queue
      .sendMany('automation_tasks', [{ payload: { flowId: 'ok' } }, { payload: { flowId: 'bad', step: 1.5 } }])
      .catch((e: unknown) => e);
    expect(isValidationError(batch)).toBe(true);
    expect(of('queue.enqueued')).toEqual([]);
    expect(await queue.counts('automation_tasks')).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
  });

  it('refuses payloads that are not JSON-serialisable before enqueueing', async () => {
    const { queue, of } = make();
    const cyclic: Record<string, unknown> = { prompt: 'x' };
    cyclic.self = cyclic;
    for (const payload of [cyclic, { prompt: 10n }, undefined]) {
      const error = await queue.send('ai_tasks', payload as unknown as Queues['ai_tasks']).catch((e: unknown) => e);
      expect(isIntegrationError(error) && error.code).toBe('NOT_SERIALIZABLE');
    }
    expect(of('queue.enqueued')).toEqual([]);
    expect((await queue.counts('ai_tasks')).waiting).toBe(0);
  });

  it('throws CONFIG for bad options, at creation and per call, without enqueueing', async () => {
    const { queue, of } = make();
    const bad = [
      { attempts: 0 },
      { attempts: 1.5 },
      { priority: 0 },
      { priority: 3_000_000 },
      { jobId: '42' },
      { jobId: 'a:b' },
      { jobId: '' },
      { delayMs: -1 },
      { timeoutMs: 0 },
      { backoff: { type: 'linear' } },
    ];
    for (const options of bad) {
      const error = await queue.send('ai_tasks', { prompt: 'x' }, options as never).catch((e: unknown) => e);
      expect(isIntegrationError(error) && error.code, JSON.stringify(options)).toBe('CONFIG');
    }
    for (const name of ['bad name!', '', 'ai_tasks.dead', 'x'.repeat(129)]) {
      const badName = await queue.send(name as 'ai_tasks', { prompt: 'x' }).catch((e: unknown) => e);
      expect(isIntegrationError(badName) && badName.code, name).toBe('CONFIG');
    }
    expect(of('queue.enqueued')).toEqual([]);
    const driver = setup.makeDriver();
    try {
      expect(() => createQueue({ driver, defaultJob: { attempts: -1 } })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
      expect(() => createQueue({ driver: {} as QueueDriver })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      for (const wrong of [{ bus: 5 }, { bus: {} }, { logger: console.log }, { clock: {} }]) {
        expect(() => createQueue({ driver, ...(wrong as object) }), JSON.stringify(wrong)).toThrow(
          expect.objectContaining({ code: 'CONFIG' }),
        );
      }
      const q = createQueue<Queues>({ driver });
      await expect(q.process('ai_tasks', () => {}, { concurrency: 0 })).rejects.toMatchObject({ code: 'CONFIG' });
      await expect(q.deadLetters('ai_tasks', { limit: 0 })).rejects.toMatchObject({ code: 'CONFIG' });
    } finally {
      await driver.close({ drain: false });
    }
  });

  it('serves queues named like Object.prototype members, with or without schemas', async () => {
    const { queue: plain } = make({ schemas: {} });
    const { queue: typed } = make();
    for (const queue of [plain, typed] as unknown as Array<Queue<Record<string, { n: number }>>>) {
      const seen: string[] = [];
      for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
        await queue.process(name, (job) => {
          seen.push(`${job.name}:${job.payload.n}`);
        });
        await queue.send(name, { n: 1 });
      }
      await until(() => seen.length === 3, 10_000, 'prototype-named jobs');
      expect(seen.sort()).toEqual(['constructor:1', 'hasOwnProperty:1', 'toString:1']);
    }
  });

  it('retries a failing handler with backoff until it succeeds', async () => {
    const { queue, of } = make({ defaultJob: { attempts: 3, backoff: constant(20) } });
    const attempts: number[] = [];
    await queue.process('ai_tasks', (job) => {
      attempts.push(job.attempt);
      if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
    });
    const { id } = await queue.send('ai_tasks', { prompt: 'retry me' });
    await until(() => of('queue.completed').length === 1, 10_000, 'completion after retries');
    expect(attempts).toEqual([1, 2, 3]);
    expect(of('queue.failed').map((f) => [f.jobId, f.attempt, f.retrying, f.error.message])).toEqual([
      [id, 1, true, 'flaky 1'],
      [id, 2, true, 'flaky 2'],
    ]);
    expect(of('queue.completed')[0]).toMatchObject({ jobId: id, attempt: 3 });
    expect(of('queue.dead_lettered')).toEqual([]);
  });

  it('honours an exponential backoff per job', async () => {
    const { queue, of } = make();
    const attempts: number[] = [];
    const startedAt: number[] = [];
    await queue.process('ai_tasks', (job) => {
      attempts.push(job.attempt);
      startedAt.push(now());
      if (job.attempt === 1) throw new Error('first try fails');
    });
    await queue.send(
      'ai_tasks',
      { prompt: 'x' },
      { attempts: 2, backoff: exponential({ initial: 100, jitter: 'none' }) },
    );
    await until(() => of('queue.completed').length === 1, 10_000, 'completion');
    expect(attempts).toEqual([1, 2]);
    // The second try waited the backoff (timers may fire a millisecond early).
    expect((startedAt[1] ?? 0) - (startedAt[0] ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it('dead-letters a poison job after exactly `attempts` tries, keeps its error, and retries it on demand', async () => {
    const { queue, of } = make();
    let calls = 0;
    let healed = false;
    await queue.process('voice_tasks', () => {
      calls++;
      if (!healed) throw new IntegrationError('carrier refused the call', { code: 'INVALID_RESPONSE' });
    });
    const { id } = await queue.send(
      'voice_tasks',
      { callId: 'c_1' },
      { jobId: 'call-c_1', attempts: 3, backoff: constant(5) },
    );
    await until(() => of('queue.dead_lettered').length === 1, 10_000, 'dead letter');
    expect(calls).toBe(3);
    expect(of('queue.dead_lettered')[0]).toEqual({
      queue: 'voice_tasks',
      jobId: id,
      attempts: 3,
      error: { name: 'IntegrationError', message: 'carrier refused the call', code: 'INVALID_RESPONSE' },
    });
    expect(of('queue.failed').map((f) => f.retrying)).toEqual([true, true, false]);
    const [letter] = await queue.deadLetters('voice_tasks', { limit: 10 });
    expect(letter).toMatchObject({ id, queue: 'voice_tasks', payload: { callId: 'c_1' }, attempts: 3 });
    expect(letter?.error).toMatchObject({
      name: 'IntegrationError',
      message: 'carrier refused the call',
      code: 'INVALID_RESPONSE',
    });
    expect(letter?.error.stack).toContain('carrier refused the call');
    expect(letter?.failedAt).toBeGreaterThan(0);
    expect(await queue.counts('voice_tasks')).toMatchObject({ dead: 1, failed: 1, waiting: 0, active: 0 });

    // While the failed job is retained, its id still de-duplicates.
    expect(await queue.send('voice_tasks', { callId: 'c_1' }, { jobId: id })).toEqual({ id, enqueued: false });
    expect(await queue.counts('voice_tasks')).toMatchObject({ waiting: 0, delayed: 0, dead: 1 });
    expect(of('queue.enqueued')).toHaveLength(1);

    healed = true;
    await queue.retryDeadLetter('voice_tasks', id);
    await until(() => of('queue.completed').length === 1, 10_000, 'completion after retry');
    expect(calls).toBe(4);
    expect(of('queue.completed')[0]).toMatchObject({ jobId: id, attempt: 1 });
    expect(await queue.deadLetters('voice_tasks')).toEqual([]);
    await until(async () => (await queue.counts('voice_tasks')).dead === 0, 5_000, 'dead count');
    const missing = await queue.retryDeadLetter('voice_tasks', 'no-such-job').catch((e: unknown) => e);
    expect(isNotFoundError(missing)).toBe(true);
  });

  it('lists dead letters oldest first, up to `limit`', async () => {
    const { queue, of } = make();
    await queue.process('voice_tasks', (job) => {
      throw new Error(`refused ${job.payload.callId}`);
    });
    for (const callId of ['c_a', 'c_b', 'c_c']) {
      await queue.send('voice_tasks', { callId }, { jobId: `call-${callId}` });
      await until(() => of('queue.dead_lettered').length === ['c_a', 'c_b', 'c_c'].indexOf(callId) + 1, 10_000, callId);
    }
    const firstTwo = await queue.deadLetters('voice_tasks', { limit: 2 });
    expect(firstTwo.map((l) => [l.id, l.error.message])).toEqual([
      ['call-c_a', 'refused c_a'],
      ['call-c_b', 'refused c_b'],
    ]);
    expect(await queue.deadLetters('voice_tasks')).toHaveLength(3);
  });

  it('keeps the newest keepDeadLetters dead letters, dropping the oldest first', async () => {
    const { queue, of } = make({}, { keepDeadLetters: 2 });
    await queue.process('voice_tasks', (job) => {
      throw new Error(`refused ${job.payload.callId}`);
    });
    const calls = ['c_a', 'c_b', 'c_c'];
    for (const [i, callId] of calls.entries()) {
      await queue.send('voice_tasks', { callId }, { jobId: `call-${callId}` });
      await until(() => of('queue.dead_lettered').length === i + 1, 10_000, callId);
    }
    expect((await queue.deadLetters('voice_tasks')).map((l) => l.id)).toEqual(['call-c_b', 'call-c_c']);
    expect((await queue.counts('voice_tasks')).dead).toBe(2);
    await expect(queue.retryDeadLetter('voice_tasks', 'call-c_a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('aborts the signal of a handler that outlives timeoutMs and counts the try as failed', async () => {
    const { queue, of } = make();
    const reasons: unknown[] = [];
    await queue.process('ai_tasks', (job) => {
      return new Promise<void>((resolve) => {
        job.signal.addEventListener('abort', () => {
          reasons.push(job.signal.reason);
          resolve();
        });
      });
    });
    const { id } = await queue.send('ai_tasks', { prompt: 'slow' }, { timeoutMs: 50 });
    await until(() => of('queue.dead_lettered').length === 1, 10_000, 'dead letter after timeout');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'TIMEOUT' });
    expect(of('queue.failed')[0]).toMatchObject({ jobId: id, attempt: 1, retrying: false, error: { code: 'TIMEOUT' } });
    expect(of('queue.completed')).toEqual([]);
  });

  it('enqueues a jobId once, whether sent twice or twice in one batch', async () => {
    const { queue, of } = make();
    const payloads: string[] = [];
    expect(await queue.send('ai_tasks', { prompt: 'first' }, { jobId: 'evt_1' })).toEqual({
      id: 'evt_1',
      enqueued: true,
    });
    expect(await queue.send('ai_tasks', { prompt: 'second' }, { jobId: 'evt_1' })).toEqual({
      id: 'evt_1',
      enqueued: false,
    });
    const batch = await queue.sendMany('ai_tasks', [
      { payload: { prompt: 'third' }, options: { jobId: 'evt_2' } },
      { payload: { prompt: 'fourth' }, options: { jobId: 'evt_2' } },
      { payload: { prompt: 'fifth' }, options: { jobId: 'evt_1' } },
      { payload: { prompt: 'sixth' } },
    ]);
    expect(batch.slice(0, 3)).toEqual([
      { id: 'evt_2', enqueued: true },
      { id: 'evt_2', enqueued: false },
      { id: 'evt_1', enqueued: false },
    ]);
    expect(batch[3]).toMatchObject({ enqueued: true });
    // Only the jobs actually stored are announced.
    expect(of('queue.enqueued').map((e) => e.jobId)).toEqual(['evt_1', 'evt_2', batch[3]?.id]);
    expect((await queue.counts('ai_tasks')).waiting).toBe(3);
    await queue.process('ai_tasks', (job) => {
      payloads.push(job.payload.prompt);
    });
    await until(() => of('queue.completed').length === 3, 10_000, 'three completions');
    await pass(100);
    expect(payloads.sort()).toEqual(['first', 'sixth', 'third']);
    // A completed job is retained (keepCompleted), so its id still de-duplicates.
    expect(await queue.send('ai_tasks', { prompt: 'again' }, { jobId: 'evt_1' })).toEqual({
      id: 'evt_1',
      enqueued: false,
    });
    await pass(100);
    expect(payloads).toHaveLength(3);
    expect(of('queue.enqueued')).toHaveLength(3);
  });

  it("publishes a job's queue.enqueued before its handler can complete it", async () => {
    const { queue, events } = make();
    await queue.process('ai_tasks', () => {}, { concurrency: 4 });
    const single = await queue.send('ai_tasks', { prompt: 'one' });
    const batch = await queue.sendMany('ai_tasks', [{ payload: { prompt: 'two' } }, { payload: { prompt: 'three' } }]);
    await until(() => events.filter((e) => e.type === 'queue.completed').length === 3, 10_000, 'three completions');
    for (const { id } of [single, ...batch]) {
      const mine = events.filter((e) => (e.data as { jobId: string }).jobId === id).map((e) => e.type);
      expect(mine).toEqual(['queue.enqueued', 'queue.completed']);
    }
  });

  it('enqueues a jobId sent by many concurrent sends exactly once, and announces it once', async () => {
    const { queue, of } = make();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0
          ? queue.sendMany('ai_tasks', [{ payload: { prompt: `batch ${i}` }, options: { jobId: 'evt_race' } }])
          : queue.send('ai_tasks', { prompt: `single ${i}` }, { jobId: 'evt_race' }).then((r) => [r]),
      ),
    );
    const flat = results.flat();
    expect(flat.every((r) => r.id === 'evt_race')).toBe(true);
    expect(flat.filter((r) => r.enqueued)).toHaveLength(1);
    expect(of('queue.enqueued')).toEqual([{ queue: 'ai_tasks', jobId: 'evt_race' }]);
    expect((await queue.counts('ai_tasks')).waiting).toBe(1);
  });

  it('gives each job sent without a jobId its own id, valid for dead letters and retries', async () => {
    const { queue, of } = make();
    const sent = await queue.sendMany('voice_tasks', [{ payload: { callId: 'a' } }, { payload: { callId: 'b' } }]);
    const single = await queue.send('voice_tasks', { callId: 'c' });
    const ids = [...sent, single].map((s) => s.id);
    expect(new Set(ids).size).toBe(3);
    expect([...sent, single].every((s) => s.enqueued)).toBe(true);
    let healed = false;
    await queue.process('voice_tasks', (job) => {
      if (!healed && job.payload.callId === 'b') throw new Error('busy');
    });
    await until(() => of('queue.dead_lettered').length === 1, 10_000, 'dead letter');
    expect((await queue.deadLetters('voice_tasks')).map((l) => l.id)).toEqual([ids[1]]);
    healed = true;
    await queue.retryDeadLetter('voice_tasks', ids[1] as string);
    await until(() => of('queue.completed').length === 3, 10_000, 'completion after retry');
    expect(
      of('queue.completed')
        .map((e) => e.jobId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(await queue.deadLetters('voice_tasks')).toEqual([]);
  });

  it('runs prioritised jobs in priority order, unprioritised ones first', async () => {
    const { queue, of } = make();
    const order: string[] = [];
    await queue.send('ai_tasks', { prompt: 'p3' }, { priority: 3 });
    await queue.send('ai_tasks', { prompt: 'p1' }, { priority: 1 });
    await queue.send('ai_tasks', { prompt: 'none' });
    await queue.send('ai_tasks', { prompt: 'p2' }, { priority: 2 });
    await queue.process('ai_tasks', (job) => {
      order.push(job.payload.prompt);
    });
    await until(() => of('queue.completed').length === 4, 10_000, 'four completions');
    expect(order).toEqual(['none', 'p1', 'p2', 'p3']);
  });

  it('holds a delayed job until its delay has passed', async () => {
    const { queue, of } = make();
    await queue.process('ai_tasks', () => {});
    const sentAt = now();
    const { id } = await queue.send('ai_tasks', { prompt: 'later' }, { delayMs: 300 });
    expect(of('queue.enqueued')).toEqual([{ queue: 'ai_tasks', jobId: id, delayMs: 300 }]);
    expect((await queue.counts('ai_tasks')).delayed).toBe(1);
    await until(() => of('queue.completed').length === 1, 10_000, 'delayed completion');
    expect(now() - sentAt).toBeGreaterThanOrEqual(290);
  });

  it('pauses and resumes a queue', async () => {
    const { queue, of } = make();
    await queue.pause('ai_tasks');
    await queue.process('ai_tasks', () => {});
    await queue.send('ai_tasks', { prompt: 'held' });
    await pass(200);
    expect(of('queue.completed')).toEqual([]);
    expect((await queue.counts('ai_tasks')).waiting).toBe(1);
    await queue.resume('ai_tasks');
    await until(() => of('queue.completed').length === 1, 10_000, 'completion after resume');
  });

  it('runs up to `concurrency` jobs at once', async () => {
    const { queue, of } = make();
    let running = 0;
    let peak = 0;
    await queue.process(
      'ai_tasks',
      async () => {
        running++;
        peak = Math.max(peak, running);
        await work(40);
        running--;
      },
      { concurrency: 3 },
    );
    await queue.sendMany(
      'ai_tasks',
      Array.from({ length: 9 }, (_, i) => ({ payload: { prompt: `p${i}` } })),
    );
    await until(() => of('queue.completed').length === 9, 10_000, 'nine completions');
    expect(peak).toBe(3);
  });

  it('close({ drain: true }) finishes active jobs and loses none', async () => {
    const { queue, of } = make();
    const finished: string[] = [];
    let started = 0;
    await queue.process(
      'ai_tasks',
      async (job) => {
        started++;
        await pause(150);
        finished.push(job.id);
      },
      { concurrency: 2 },
    );
    const sent = await queue.sendMany('ai_tasks', [{ payload: { prompt: 'a' } }, { payload: { prompt: 'b' } }]);
    await until(() => started === 2, 10_000, 'both started');
    await queue.close({ drain: true });
    expect(finished.sort()).toEqual(sent.map((s) => s.id).sort());
    expect(of('queue.completed')).toHaveLength(2);
    await expect(queue.send('ai_tasks', { prompt: 'late' })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('close({ drain: false }) aborts the signal of active jobs', async () => {
    const { queue } = make();
    let aborted = false;
    let started = false;
    await queue.process('ai_tasks', (job) => {
      started = true;
      return new Promise<void>((resolve) => {
        job.signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        });
      });
    });
    await queue.send('ai_tasks', { prompt: 'long' });
    await until(() => started, 10_000, 'start');
    await queue.close({ drain: false });
    expect(aborted).toBe(true);
  });

  it('refuses a second processor for the same queue', async () => {
    const { queue } = make();
    await queue.process('ai_tasks', () => {});
    await expect(queue.process('ai_tasks', () => {})).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('validates payloads again on the consumer side and hands the handler the parsed value', async () => {
    const { queue, of } = make({
      schemas: { automation_tasks: z.object({ flowId: z.string(), step: z.number().default(1) }) },
    });
    const seen: unknown[] = [];
    await queue.process('automation_tasks', (job) => {
      seen.push(job.payload);
    });
    await queue.send('automation_tasks', { flowId: 'f_1' });
    await until(() => of('queue.completed').length === 1, 10_000, 'completion');
    expect(seen).toEqual([{ flowId: 'f_1', step: 1 }]);
  });

  it('applies a rate limit without losing jobs', async () => {
    const { queue, of } = make();
    await queue.process('ai_tasks', () => {}, { concurrency: 5, rateLimit: { max: 5, durationMs: 100 } });
    await queue.sendMany(
      'ai_tasks',
      Array.from({ length: 10 }, (_, i) => ({ payload: { prompt: `r${i}` } })),
    );
    await until(() => of('queue.completed').length === 10, 10_000, 'ten completions');
    await expect(
      queue.process('voice_tasks', () => {}, { rateLimit: { max: 0, durationMs: 10 } }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
  });
}
