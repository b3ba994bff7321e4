import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { circuitBreaker, compose, consecutive, constant, rateLimit, retry, timeout } from '../../src/policies/index.js';
import { createQueue, memoryDriver } from '../../src/queue/index.js';
import { connectSSE, createRealtimeHub } from '../../src/realtime/index.js';
import { createTestClock, recordBus } from '../../src/testing/index.js';
import { createWorkflowRunner, defineWorkflow, memoryStore } from '../../src/workflows/index.js';

/** Lets promise chains started by fired timers run to their next wait. */
const flush = async (times = 3) => {
  for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
};
const DAY = 86_400_000;

describe('one clock option drives every waiting component', () => {
  it('retry: the waits between attempts pass on the test clock', async () => {
    const clock = createTestClock({ now: 0 });
    const policy = retry({ maxAttempts: 3, backoff: constant(60_000), retryOn: () => true, clock });
    const at: number[] = [];
    const result = policy.execute(() => {
      at.push(clock.now());
      if (at.length < 3) throw new Error('flaky');
      return 'ok';
    });
    await flush();
    expect(at).toEqual([0]);
    await clock.advance(59_999);
    expect(at).toEqual([0]);
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(at).toEqual([0, 60_000, 120_000]);
  });

  it('circuitBreaker: halfOpenAfter is read from the test clock', async () => {
    const clock = createTestClock({ now: 0 });
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 30_000, clock });
    await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    await expect(breaker.execute(() => 'x')).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', retryAfterMs: 30_000 });
    await clock.advance(29_999);
    expect(breaker.state).toBe('open');
    await clock.advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(() => 'probe')).resolves.toBe('probe');
    expect(breaker.state).toBe('closed');
  });

  it('rateLimit: a queued call starts when the test clock has refilled a token', async () => {
    const clock = createTestClock({ now: 0 });
    const limiter = rateLimit({ limit: 1, intervalMs: 60_000, clock });
    const started: number[] = [];
    await limiter.execute(() => started.push(clock.now()));
    const second = limiter.execute(() => started.push(clock.now()));
    await flush();
    expect(started).toEqual([0]);
    await clock.advance(30_000);
    expect(started).toEqual([0]);
    await clock.advance(30_000);
    await second;
    expect(started).toEqual([0, 60_000]);
    const rejecting = rateLimit({ limit: 1, intervalMs: 1_000, mode: 'reject', clock });
    await rejecting.execute(() => 1);
    await expect(rejecting.execute(() => 2)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await clock.advance(1_000);
    await expect(rejecting.execute(() => 3)).resolves.toBe(3);
  });

  it('timeout: fires at the test-clock deadline, not before', async () => {
    const clock = createTestClock({ now: 0 });
    const policy = timeout(10_000, { clock });
    let signal: AbortSignal | undefined;
    const call = policy.execute((ctx) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    let settled = false;
    call.catch(() => {
      settled = true;
    });
    await clock.advance(9_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(call).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(signal?.aborted).toBe(true);
  });

  it('compose: timeout around retry around breaker, all on one clock', async () => {
    const clock = createTestClock({ now: 0 });
    const policy = compose(
      timeout(90_000, { clock }),
      retry({ maxAttempts: 10, backoff: constant(20_000), retryOn: () => true, clock }),
      circuitBreaker({ breaker: consecutive(100), clock }),
    );
    let calls = 0;
    const call = policy.execute(() => {
      calls++;
      throw new Error('always');
    });
    const outcome = call.catch((e: unknown) => e);
    await clock.runAll();
    expect(await outcome).toMatchObject({ code: 'TIMEOUT' });
    expect(calls).toBe(5); // t = 0, 20, 40, 60, 80 s; the timeout ends the 90 s budget
    expect(clock.now()).toBeGreaterThanOrEqual(90_000);
  });

  it('queue memoryDriver: job delays, retry backoff and the per-try timeout', async () => {
    const clock = createTestClock({ now: 0 });
    const bus = createBus({ clock });
    const recorder = recordBus(bus);
    const queue = createQueue<{ jobs: { n: number } }>({ driver: memoryDriver({ clock }), clock, bus });
    const tries: Array<[number, number]> = [];
    await queue.process('jobs', async ({ payload, attempt }) => {
      tries.push([payload.n, clock.now()]);
      if (payload.n === 2 && attempt < 3) throw new Error('again');
      if (payload.n === 3) await new Promise(() => {});
    });
    await queue.send('jobs', { n: 1 }, { delayMs: DAY });
    await queue.send('jobs', { n: 2 }, { attempts: 3, backoff: constant(600_000) });
    await queue.send('jobs', { n: 3 }, { attempts: 1, timeoutMs: 30_000, delayMs: 10 });
    await flush();
    expect(tries).toEqual([[2, 0]]);
    await clock.advance(600_000);
    await flush();
    await clock.advance(600_000);
    await flush();
    expect(tries.filter(([n]) => n === 2).map(([, t]) => t)).toEqual([0, 600_000, 1_200_000]);
    expect(tries.some(([n]) => n === 1)).toBe(false);
    expect(tries.some(([n]) => n === 3)).toBe(true);
    await recorder.waitFor(
      'queue.dead_lettered',
      (e) => (e.data as { error: { code?: string } }).error.code === 'TIMEOUT',
    );
    await clock.advance(DAY);
    await flush();
    expect(tries.find(([n]) => n === 1)).toEqual([1, DAY]);
    await queue.close({ drain: false });
  });

  it('queue memoryDriver: a processor rate limit counts its windows on the test clock', async () => {
    const clock = createTestClock({ now: 0 });
    const queue = createQueue<{ jobs: { n: number } }>({ driver: memoryDriver({ clock }), clock });
    const started: Array<[number, number]> = [];
    await queue.process(
      'jobs',
      ({ payload }) => {
        started.push([payload.n, clock.now()]);
      },
      { concurrency: 5, rateLimit: { max: 2, durationMs: 60_000 } },
    );
    await queue.sendMany(
      'jobs',
      Array.from({ length: 5 }, (_, n) => ({ payload: { n } })),
    );
    await flush(5);
    expect(started).toEqual([
      [0, 0],
      [1, 0],
    ]);
    await clock.advance(59_999);
    await flush(5);
    expect(started).toHaveLength(2);
    await clock.advance(1);
    await flush(5);
    expect(started.slice(2)).toEqual([
      [2, 60_000],
      [3, 60_000],
    ]);
    await queue.pause('jobs');
    await clock.advance(60_000);
    await flush(5);
    expect(started).toHaveLength(4); // paused: the new window starts nothing
    await queue.resume('jobs');
    await flush(5);
    expect(started.at(-1)).toEqual([4, 120_000]);
    expect((await queue.counts('jobs')).completed).toBe(5);
    await queue.close();
  });

  it('workflows: step.sleep and waitForEvent timeouts pass on the runner clock', async () => {
    const clock = createTestClock({ now: 0 });
    const bus = createBus({ clock });
    const flow = defineWorkflow('clocked', async (_: null, step) => {
      await step.sleep('week', '7d');
      const e = await step.waitForEvent('reply', { type: 'reply.sent', timeoutMs: '1h' });
      return { timedOut: e === null };
    });
    const runner = createWorkflowRunner({ store: memoryStore(), bus, clock, workflows: [flow] });
    const { runId } = await runner.start(flow, null);
    await flush(5);
    expect((await runner.status(runId)).status).toBe('sleeping');
    await clock.advance(7 * DAY - 1);
    await flush(5);
    expect((await runner.status(runId)).status).toBe('sleeping');
    await clock.advance(1);
    await flush(5);
    expect((await runner.status(runId)).status).toBe('waiting');
    await clock.advance(3_600_000);
    await flush(5);
    const done = await runner.status(runId);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ timedOut: true });
    expect(clock.now()).toBe(7 * DAY + 3_600_000);
    await runner.close();
  });

  it('realtime: hub heartbeats and client reconnect waits run on the test clock', async () => {
    const clock = createTestClock({ now: 0 });
    const bus = createBus({ clock });
    const hub = createRealtimeHub({ bus, clock, heartbeatMs: 15_000 });
    const controller = new AbortController();
    const res = await hub.sse(new Request('http://localhost/events', { signal: controller.signal }));
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readSome = async () => {
      const { value } = await reader.read();
      text += decoder.decode(value);
    };
    await readSome(); // the retry: preamble
    expect(text).not.toContain(': ping');
    const next = readSome();
    await clock.advance(15_000);
    await next;
    expect(text).toContain(': ping');
    controller.abort();
    await reader.cancel().catch(() => {});
    await hub.close();

    // connectSSE waits its reconnect backoff on the clock it is given.
    const attempts: number[] = [];
    const t0 = clock.now();
    const fetchStub = (async () => {
      attempts.push(clock.now() - t0);
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const stop = new AbortController();
    const iterator = connectSSE('http://localhost/events', { fetch: fetchStub, clock, signal: stop.signal })[
      Symbol.asyncIterator
    ]();
    const pending = iterator.next().catch(() => undefined);
    await flush();
    expect(attempts).toEqual([0]);
    await clock.runNext();
    await flush();
    expect(attempts.length).toBe(2);
    expect(attempts[1]).toBeGreaterThan(0);
    stop.abort();
    await clock.runAll();
    await pending;
  });

  it('bus: envelope times come from the bus clock', async () => {
    const clock = createTestClock({ now: Date.UTC(2031, 0, 2) });
    const bus = createBus({ clock });
    const envelope = await bus.publish('x' as never, {} as never);
    expect(envelope.time).toBe('2031-01-02T00:00:00.000Z');
  });
});
