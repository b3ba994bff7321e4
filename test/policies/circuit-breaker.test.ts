import { describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  CircuitOpenError,
  isCircuitOpenError,
  NetworkError,
  TimeoutError,
  ValidationError,
} from '../../src/index.js';
import { type CircuitState, circuitBreaker, consecutive, sampling } from '../../src/policies/index.js';
import { fakeClock, recordingSink } from './fake-clock.js';

const fail =
  (message = 'down') =>
  async () => {
    throw new NetworkError(message);
  };
const ok = async () => 'ok';
const swallow = (p: Promise<unknown>) => p.catch((e: unknown) => e);

describe('circuitBreaker', () => {
  it('opens after n consecutive failures and fails fast with retryAfterMs', async () => {
    const clock = fakeClock();
    const bus = recordingSink();
    const breaker = circuitBreaker({ name: 'crm', breaker: consecutive(3), halfOpenAfter: 1_000, clock, bus });
    for (let i = 0; i < 3; i++) await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open');
    expect(bus.events).toEqual([
      {
        type: 'breaker.opened',
        data: { name: 'crm', retryAfterMs: 1_000, error: { name: 'NetworkError', message: 'down', code: 'NETWORK' } },
      },
    ]);
    await clock.advance(400);
    const fn = vi.fn(ok);
    const error = await swallow(breaker.execute(fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', retryAfterMs: 600, retryable: false });
  });

  it('resets the consecutive count on success', async () => {
    const breaker = circuitBreaker({ breaker: consecutive(2), clock: fakeClock() });
    await swallow(breaker.execute(fail()));
    await breaker.execute(ok);
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('closed');
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open');
  });

  it('half-opens after halfOpenAfter and closes on a successful probe', async () => {
    const clock = fakeClock();
    const bus = recordingSink();
    const changes: Array<[CircuitState, CircuitState]> = [];
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 500, clock, bus });
    breaker.onStateChange((state, previous) => changes.push([state, previous]));
    await swallow(breaker.execute(fail()));
    await clock.advance(499);
    expect(breaker.state).toBe('open');
    await clock.advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(bus.types()).toEqual(['breaker.opened', 'breaker.half_opened', 'breaker.closed']);
    expect(changes).toEqual([
      ['open', 'closed'],
      ['half-open', 'open'],
      ['closed', 'half-open'],
    ]);
  });

  it('reopens for a full period when the probe fails', async () => {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 500, clock });
    await swallow(breaker.execute(fail()));
    await clock.advance(500);
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    expect(await swallow(breaker.execute(ok))).toMatchObject({ retryAfterMs: 400 });
  });

  it('lets at most maxHalfOpenProbes through while half-open', async () => {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 100, maxHalfOpenProbes: 2, clock });
    await swallow(breaker.execute(fail()));
    await clock.advance(100);
    const releases: Array<() => void> = [];
    const slow = () => new Promise<string>((resolve) => releases.push(() => resolve('probe')));
    const first = breaker.execute(slow);
    const second = breaker.execute(slow);
    const third = await swallow(breaker.execute(slow));
    expect(isCircuitOpenError(third)).toBe(true);
    expect(third).toMatchObject({ retryAfterMs: 100, details: { state: 'half-open' } });
    expect(releases).toHaveLength(2);
    for (const release of releases) release();
    await expect(Promise.all([first, second])).resolves.toEqual(['probe', 'probe']);
    expect(breaker.state).toBe('closed');
  });

  /** Two probes of one half-open period: the first fails (the breaker reopens), the second is still running. */
  async function staleProbe() {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 100, maxHalfOpenProbes: 2, clock });
    await swallow(breaker.execute(fail()));
    await clock.advance(100);
    const settle: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
    const slow = () => new Promise<string>((resolve, reject) => settle.push({ resolve, reject }));
    const first = swallow(breaker.execute(slow));
    const second = swallow(breaker.execute(slow));
    settle[0]?.reject(new NetworkError('down'));
    await first;
    return { clock, breaker, settle, slow, second };
  }

  it('a probe let through by an earlier half-open period neither frees a slot nor decides the current one', async () => {
    const { clock, breaker, settle, slow, second } = await staleProbe();
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    const third = swallow(breaker.execute(slow));
    // The stale probe's neutral outcome (its caller gave up) frees no slot of this period.
    settle[1]?.reject(new AbortError('gone'));
    await second;
    swallow(breaker.execute(slow));
    const fifth = swallow(breaker.execute(slow));
    expect(settle).toHaveLength(4);
    expect(isCircuitOpenError(await fifth)).toBe(true);
    settle[2]?.reject(new NetworkError('still down'));
    await third;
    expect(breaker.state).toBe('open');
  });

  it("a stale probe's success does not close a later half-open period: that period's probes decide", async () => {
    const { clock, breaker, settle, slow, second } = await staleProbe();
    await clock.advance(100);
    const third = swallow(breaker.execute(slow));
    settle[1]?.resolve('late');
    await expect(second).resolves.toBe('late');
    expect(breaker.state).toBe('half-open');
    settle[2]?.reject(new NetworkError('still down'));
    await third;
    expect(breaker.state).toBe('open');
  });

  it('frees the probe slot when a probe is aborted by its caller', async () => {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 100, clock });
    await swallow(breaker.execute(fail()));
    await clock.advance(100);
    const controller = new AbortController();
    const probe = swallow(
      breaker.execute(
        ({ signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by caller')))),
        { signal: controller.signal },
      ),
    );
    controller.abort();
    await probe;
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('does not count caller aborts, but counts timeouts', async () => {
    const breaker = circuitBreaker({ breaker: consecutive(2), clock: fakeClock() });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      controller.abort();
      await swallow(breaker.execute(fail(), { signal: controller.signal }));
    }
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      controller.abort(new TimeoutError('too slow'));
      await swallow(breaker.execute(fail(), { signal: controller.signal }));
    }
    expect(breaker.state).toBe('open');
  });

  it('counts only what isFailure accepts', async () => {
    const breaker = circuitBreaker({
      breaker: consecutive(1),
      clock: fakeClock(),
      isFailure: (error) => !(error instanceof ValidationError),
    });
    await swallow(
      breaker.execute(async () => {
        throw new ValidationError('bad input', { issues: [] });
      }),
    );
    expect(breaker.state).toBe('closed');
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open');
  });

  it('counts synchronous throws and passes plain values through', async () => {
    const breaker = circuitBreaker({ breaker: consecutive(1), clock: fakeClock() });
    await expect(breaker.execute(() => 7)).resolves.toBe(7);
    await expect(
      breaker.execute(() => {
        throw new NetworkError('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.state).toBe('open');
  });

  it('sampling opens on the failure ratio once minThroughput is reached, within the window', async () => {
    const clock = fakeClock(0);
    const breaker = circuitBreaker({
      breaker: sampling({ threshold: 0.5, windowMs: 1_000, minThroughput: 4 }),
      halfOpenAfter: 100,
      clock,
    });
    await swallow(breaker.execute(fail()));
    await swallow(breaker.execute(fail()));
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed'); // 2 of 3: below minThroughput
    // The old failures slide out of the window: 1 failure of 4 recent calls.
    await clock.advance(1_100);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('closed');
    await swallow(breaker.execute(fail()));
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open'); // 3 of 6 = 0.5
  });

  it('sampling restarts counting after closing', async () => {
    const clock = fakeClock(0);
    const breaker = circuitBreaker({
      breaker: sampling({ threshold: 0.5, windowMs: 10_000, minThroughput: 2 }),
      halfOpenAfter: 100,
      clock,
    });
    await swallow(breaker.execute(fail()));
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await swallow(breaker.execute(fail()));
    expect(breaker.state).toBe('closed'); // 1 of 1: below minThroughput again
  });

  it('round-trips its state through toJSON and initialState', async () => {
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 1_000, clock });
    await swallow(breaker.execute(fail()));
    await clock.advance(300);
    const saved = JSON.parse(JSON.stringify(breaker));
    expect(saved).toEqual({ state: 'open', openedAt: clock.now() - 300 });

    const restored = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 1_000, clock, initialState: saved });
    expect(restored.state).toBe('open');
    expect(await swallow(restored.execute(ok))).toMatchObject({ code: 'CIRCUIT_OPEN', retryAfterMs: 700 });
    await clock.advance(700);
    expect(restored.state).toBe('half-open');
    expect(restored.toJSON().state).toBe('half-open');
    const fresh = circuitBreaker({ clock, initialState: { state: 'closed' } });
    expect(fresh.state).toBe('closed');
    // Nothing saved yet (a store returning null) starts closed.
    expect(circuitBreaker({ clock, initialState: null as never }).toJSON()).toEqual({
      state: 'closed',
      openedAt: clock.now(),
    });
  });

  it('isolate() holds the breaker open until every release', async () => {
    const clock = fakeClock();
    const bus = recordingSink();
    const breaker = circuitBreaker({ halfOpenAfter: 100, clock, bus });
    const releaseA = breaker.isolate();
    const releaseB = breaker.isolate();
    expect(breaker.state).toBe('open');
    await clock.advance(1_000);
    expect(breaker.state).toBe('open');
    const error = await swallow(breaker.execute(ok));
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', details: { isolated: true } });
    releaseA();
    releaseA();
    expect(breaker.state).toBe('open');
    releaseB();
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(bus.types()).toEqual(['breaker.opened', 'breaker.closed']);
  });

  it('unsubscribes state listeners and survives a throwing one', async () => {
    const breaker = circuitBreaker({ breaker: consecutive(1), clock: fakeClock() });
    const listener = vi.fn();
    const off = breaker.onStateChange(listener);
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    await swallow(breaker.execute(fail()));
    off();
    breaker.isolate()();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('logs transitions', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const clock = fakeClock();
    const breaker = circuitBreaker({ breaker: consecutive(1), halfOpenAfter: 10, clock, logger });
    await swallow(breaker.execute(fail()));
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ name: 'breaker' }), 'circuit breaker opened');
    await clock.advance(10);
    await breaker.execute(ok);
    expect(logger.info).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['consecutive(0)', () => consecutive(0)],
    ['consecutive(1.5)', () => consecutive(1.5)],
    ['sampling threshold 0', () => sampling({ threshold: 0 })],
    ['sampling threshold 2', () => sampling({ threshold: 2 })],
    ['sampling windowMs -1', () => sampling({ windowMs: -1 })],
    ['sampling minThroughput 0', () => sampling({ minThroughput: 0 })],
    ['unknown breaker kind', () => circuitBreaker({ breaker: { kind: 'count' } as never })],
    ['breaker null', () => circuitBreaker({ breaker: null as never })],
    ['halfOpenAfter -1', () => circuitBreaker({ halfOpenAfter: -1 })],
    ['maxHalfOpenProbes 0', () => circuitBreaker({ maxHalfOpenProbes: 0 })],
    ['isFailure not a function', () => circuitBreaker({ isFailure: 'yes' as never })],
    ['initialState garbage', () => circuitBreaker({ initialState: { state: 'broken' } as never })],
    ['initialState openedAt NaN', () => circuitBreaker({ initialState: { state: 'open', openedAt: Number.NaN } })],
    ['initialState openedAt null', () => circuitBreaker({ initialState: { state: 'open', openedAt: null as never } })],
    ['initialState a string', () => circuitBreaker({ initialState: 'open' as never })],
  ])('refuses %s with CONFIG', (_, create) => {
    expect(create).toThrowError(expect.objectContaining({ code: 'CONFIG' }));
  });
});
