import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus, type Envelope } from '../../src/bus/index.js';
import { isAbortError, isIntegrationError, isTimeoutError, isValidationError } from '../../src/index.js';

type AppEvents = {
  'call.ended': { callId: string; seconds: number };
  'ai.completed': { text: string };
};

describe('createBus', () => {
  it('publishes CloudEvents 1.0 envelopes to subscribers', async () => {
    const bus = createBus<AppEvents>({ source: 'test:bus' });
    const seen: Envelope[] = [];
    bus.subscribe('call.ended', (e) => {
      seen.push(e);
    });
    const envelope = await bus.publish('call.ended', { callId: 'c1', seconds: 30 });
    expect(seen).toEqual([envelope]);
    expect(envelope).toMatchObject({ specversion: '1.0', source: 'test:bus', type: 'call.ended' });
    expect(envelope.data).toEqual({ callId: 'c1', seconds: 30 });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(envelope.time).toISOString()).toBe(envelope.time);
  });

  it('gives every envelope a fresh id unless one is given, and honours overrides', async () => {
    const bus = createBus<AppEvents>();
    const a = await bus.publish('ai.completed', { text: 'a' });
    const b = bus.emit('ai.completed', { text: 'b' });
    expect(a.id).not.toBe(b.id);
    const c = await bus.publish(
      'ai.completed',
      { text: 'c' },
      { id: 'fixed', subject: 'run-1', time: new Date(0), source: 'other' },
    );
    expect(c).toMatchObject({ id: 'fixed', subject: 'run-1', time: '1970-01-01T00:00:00.000Z', source: 'other' });
  });

  it('envelope times follow the clock and a reused Date, millisecond by millisecond', () => {
    let now = Date.UTC(2030, 0, 1);
    const bus = createBus<AppEvents>({ clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => {} } });
    expect(bus.emit('ai.completed', { text: 'a' }).time).toBe('2030-01-01T00:00:00.000Z');
    now += 1;
    expect(bus.emit('ai.completed', { text: 'b' }).time).toBe('2030-01-01T00:00:00.001Z');
    const at = new Date(0);
    expect(bus.emit('ai.completed', { text: 'c' }, { time: at }).time).toBe('1970-01-01T00:00:00.000Z');
    at.setTime(1500);
    expect(bus.emit('ai.completed', { text: 'd' }, { time: at }).time).toBe('1970-01-01T00:00:01.500Z');
    expect(bus.emit('ai.completed', { text: 'e' }, { time: '2030-01-01T00:00:00Z' }).time).toBe('2030-01-01T00:00:00Z');
  });

  it('publish resolves after async handlers have settled', async () => {
    const bus = createBus<AppEvents>();
    const order: string[] = [];
    bus.subscribe('ai.completed', async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('handler');
    });
    await bus.publish('ai.completed', { text: 'x' });
    order.push('after publish');
    expect(order).toEqual(['handler', 'after publish']);
  });

  it('emit is synchronous and does not await async handlers', () => {
    const bus = createBus<AppEvents>();
    const calls: string[] = [];
    bus.subscribe('ai.completed', (e) => {
      calls.push(e.data.text);
    });
    bus.emit('ai.completed', { text: 'now' });
    expect(calls).toEqual(['now']);
  });

  it("'*' receives every type, including system events", async () => {
    const bus = createBus<AppEvents>();
    const types: string[] = [];
    const off = bus.subscribe('*', (e) => {
      types.push(e.type);
    });
    await bus.publish('call.ended', { callId: 'c', seconds: 1 });
    bus.emit('breaker.opened', { name: 'llm', retryAfterMs: 1000 });
    off();
    await bus.publish('ai.completed', { text: 'ignored' });
    expect(types).toEqual(['call.ended', 'breaker.opened']);
  });

  it('unsubscribe stops delivery and is idempotent', async () => {
    const bus = createBus<AppEvents>();
    const handler = vi.fn();
    const off = bus.subscribe('ai.completed', handler);
    await bus.publish('ai.completed', { text: '1' });
    off();
    off();
    await bus.publish('ai.completed', { text: '2' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(bus.listenerCount('ai.completed')).toBe(0);
  });

  it('once delivers a single envelope', async () => {
    const bus = createBus<AppEvents>();
    const handler = vi.fn();
    bus.once('ai.completed', handler);
    await bus.publish('ai.completed', { text: '1' });
    await bus.publish('ai.completed', { text: '2' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(bus.listenerCount()).toBe(0);
  });

  it('once runs its handler once even when an earlier handler re-emits the type', () => {
    const bus = createBus<AppEvents>();
    bus.subscribe('ai.completed', (e) => {
      if (e.data.text === 'outer') bus.emit('ai.completed', { text: 'inner' });
    });
    const seen: string[] = [];
    bus.once('ai.completed', (e) => {
      seen.push(e.data.text);
    });
    bus.emit('ai.completed', { text: 'outer' });
    expect(seen).toEqual(['inner']);
    expect(bus.listenerCount('ai.completed')).toBe(1);
  });

  it('a once handler that throws is removed and reported once', async () => {
    const onHandlerError = vi.fn();
    const bus = createBus<AppEvents>({ onHandlerError });
    const handler = vi.fn(() => {
      throw new Error('boom');
    });
    bus.once('ai.completed', handler);
    await bus.publish('ai.completed', { text: '1' });
    await bus.publish('ai.completed', { text: '2' });
    expect(handler).toHaveBeenCalledOnce();
    expect(onHandlerError).toHaveBeenCalledOnce();
    expect(bus.listenerCount()).toBe(0);
  });

  it('(un)subscribing from inside a handler takes effect from the next event on', () => {
    const bus = createBus<AppEvents>();
    const seen: string[] = [];
    let offB = () => {};
    bus.subscribe('ai.completed', (e) => {
      offB();
      if (e.data.text === '1') bus.subscribe('ai.completed', (e2) => void seen.push(`c${e2.data.text}`));
    });
    offB = bus.subscribe('ai.completed', (e) => void seen.push(`b${e.data.text}`));
    bus.emit('ai.completed', { text: '1' });
    bus.emit('ai.completed', { text: '2' });
    expect(seen).toEqual(['b1', 'c2']);
  });

  it('a throwing or rejecting handler never breaks other handlers nor the publisher', async () => {
    const onHandlerError = vi.fn();
    const warn = vi.fn();
    const bus = createBus<AppEvents>({
      onHandlerError,
      logger: { debug() {}, info() {}, warn, error() {} },
    });
    const failures: Envelope[] = [];
    bus.subscribe('bus.handler_failed', (e) => {
      failures.push(e);
    });
    const good = vi.fn();
    bus.subscribe('ai.completed', () => {
      throw new Error('sync boom');
    });
    bus.subscribe('ai.completed', async () => {
      throw new Error('async boom');
    });
    bus.subscribe('ai.completed', good);
    const envelope = await bus.publish('ai.completed', { text: 'x' });
    expect(good).toHaveBeenCalledOnce();
    expect(onHandlerError).toHaveBeenCalledTimes(2);
    expect(onHandlerError.mock.calls.map((c) => (c[0] as Error).message).sort()).toEqual(['async boom', 'sync boom']);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(failures.map((f) => f.data)).toEqual(
      expect.arrayContaining([
        { type: 'ai.completed', id: envelope.id, error: { name: 'Error', message: 'sync boom' } },
        { type: 'ai.completed', id: envelope.id, error: { name: 'Error', message: 'async boom' } },
      ]),
    );
    // emit must not throw either
    expect(() => bus.emit('ai.completed', { text: 'y' })).not.toThrow();
  });

  it('a handler result whose then is not a function is reported as a failure', async () => {
    const onHandlerError = vi.fn();
    const bus = createBus<AppEvents>({ onHandlerError });
    // biome-ignore lint/suspicious/noThenProperty: a malformed thenable is the case under test
    bus.subscribe('ai.completed', (() => ({ then: 'not callable' })) as never);
    await expect(bus.publish('ai.completed', { text: 'x' })).resolves.toBeDefined();
    expect(onHandlerError).toHaveBeenCalledOnce();
    expect(onHandlerError.mock.calls[0]?.[0]).toBeInstanceOf(TypeError);
  });

  it('a failing bus.handler_failed handler or onHandlerError does not loop or throw', async () => {
    const bus = createBus<AppEvents>({
      onHandlerError: () => {
        throw new Error('reporter broken');
      },
    });
    const failedHandler = vi.fn(() => {
      throw new Error('again');
    });
    bus.subscribe('bus.handler_failed', failedHandler);
    bus.subscribe('ai.completed', () => {
      throw new Error('first');
    });
    await expect(bus.publish('ai.completed', { text: 'x' })).resolves.toBeDefined();
    expect(failedHandler).toHaveBeenCalledTimes(1);
  });

  it('schemas validate on publish: invalid data throws ValidationError and no handler runs', async () => {
    const bus = createBus<AppEvents>({
      schemas: { 'call.ended': z.object({ callId: z.string().min(1), seconds: z.number().nonnegative() }) },
    });
    const handler = vi.fn();
    bus.subscribe('call.ended', handler);
    const error = await bus.publish('call.ended', { callId: '', seconds: -1 }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    if (isValidationError(error)) expect(error.issues.length).toBe(2);
    expect(() => bus.emit('call.ended', { callId: 'x', seconds: -5 })).toThrow(/invalid "call.ended" event/);
    expect(handler).not.toHaveBeenCalled();
    await bus.publish('call.ended', { callId: 'ok', seconds: 1 });
    expect(handler).toHaveBeenCalledOnce();
  });

  it('emit refuses schemas that only validate asynchronously', () => {
    const asyncSchema = {
      '~standard': { version: 1 as const, vendor: 'test', validate: async (v: unknown) => ({ value: v }) },
    };
    const bus = createBus<AppEvents>({ schemas: { 'ai.completed': asyncSchema as never } });
    expect(() => bus.emit('ai.completed', { text: 'x' })).toThrow(/use publish/);
  });

  it('rejects bad types and handlers with CONFIG', async () => {
    const bus = createBus<AppEvents>();
    const untyped = bus as unknown as {
      publish(t: unknown, d: unknown): Promise<unknown>;
      subscribe(t: string, h: unknown): unknown;
    };
    await expect(untyped.publish('', {})).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(untyped.publish('*', {})).rejects.toMatchObject({ code: 'CONFIG' });
    expect(() => untyped.subscribe('ai.completed', 'nope')).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  describe('waitFor', () => {
    it('resolves with the first matching envelope and removes its listener', async () => {
      const bus = createBus<AppEvents>();
      const waiting = bus.waitFor('call.ended', { filter: (e) => e.data.callId === 'b', timeoutMs: 1000 });
      await bus.publish('call.ended', { callId: 'a', seconds: 1 });
      await bus.publish('call.ended', { callId: 'b', seconds: 2 });
      await expect(waiting).resolves.toMatchObject({ data: { callId: 'b' } });
      expect(bus.listenerCount()).toBe(0);
    });

    it('rejects with TimeoutError and cleans up', async () => {
      const bus = createBus<AppEvents>();
      const error = await bus.waitFor('ai.completed', { timeoutMs: 10 }).catch((e: unknown) => e);
      expect(isTimeoutError(error)).toBe(true);
      expect(isTimeoutError(error) && error.details).toEqual({ timeoutMs: 10 });
      expect(bus.listenerCount()).toBe(0);
    });

    it('rejects with AbortError on abort, immediately when already aborted', async () => {
      const bus = createBus<AppEvents>();
      const controller = new AbortController();
      const waiting = bus.waitFor('ai.completed', { signal: controller.signal });
      controller.abort();
      expect(isAbortError(await waiting.catch((e: unknown) => e))).toBe(true);
      expect(bus.listenerCount()).toBe(0);
      const again = await bus.waitFor('ai.completed', { signal: controller.signal }).catch((e: unknown) => e);
      expect(isAbortError(again)).toBe(true);
      expect(bus.listenerCount()).toBe(0);
    });

    it('an already aborted signal registers nothing: no timer, no transport consumer', async () => {
      const transport = {
        publish: vi.fn(async () => {}),
        subscribe: vi.fn(() => async () => {}),
        close: vi.fn(async () => {}),
      };
      const clock = { now: () => 0, setTimeout: vi.fn(() => 1), clearTimeout: vi.fn() };
      const bus = createBus<AppEvents>({ transport, clock });
      const error = await bus
        .waitFor('ai.completed', { timeoutMs: 10, signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      expect(isAbortError(error)).toBe(true);
      expect(transport.subscribe).not.toHaveBeenCalled();
      expect(clock.setTimeout).not.toHaveBeenCalled();
      expect(bus.listenerCount()).toBe(0);
    });

    it('settles once when abort, timeout and a matching event race; clears the timer and the listener', async () => {
      let timer: (() => void) | undefined;
      const clock = {
        now: () => 0,
        setTimeout: (fn: () => void) => {
          timer = fn;
          return 7;
        },
        clearTimeout: vi.fn(),
      };
      const bus = createBus<AppEvents>({ clock });
      const controller = new AbortController();
      const remove = vi.spyOn(controller.signal, 'removeEventListener');
      const waiting = bus.waitFor('ai.completed', { timeoutMs: 1000, signal: controller.signal });
      controller.abort();
      timer?.();
      bus.emit('ai.completed', { text: 'late' });
      expect(isAbortError(await waiting.catch((e: unknown) => e))).toBe(true);
      expect(clock.clearTimeout).toHaveBeenCalledWith(7);
      expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
      expect(bus.listenerCount()).toBe(0);
    });

    it('rejects with TIMEOUT and leaves nothing registered when the clock fires at once', async () => {
      const clock = {
        now: () => 0,
        setTimeout: (fn: () => void) => {
          fn();
          return 3;
        },
        clearTimeout: vi.fn(),
      };
      const bus = createBus<AppEvents>({ clock });
      const controller = new AbortController();
      const remove = vi.spyOn(controller.signal, 'removeEventListener');
      const error = await bus
        .waitFor('ai.completed', { timeoutMs: 5, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(isIntegrationError(error) && error.code).toBe('TIMEOUT');
      expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
      expect(bus.listenerCount()).toBe(0);
    });

    it('uses the injected clock for timeouts and envelope times', async () => {
      let timer: (() => void) | undefined;
      const clock = {
        now: () => Date.UTC(2030, 0, 1),
        setTimeout: (fn: () => void) => {
          timer = fn;
          return 1;
        },
        clearTimeout: () => {
          timer = undefined;
        },
      };
      const bus = createBus<AppEvents>({ clock });
      expect(bus.emit('ai.completed', { text: 'x' }).time).toBe('2030-01-01T00:00:00.000Z');
      const waiting = bus.waitFor('ai.completed', { timeoutMs: 60_000 });
      expect(timer).toBeDefined();
      timer?.();
      const error = await waiting.catch((e: unknown) => e);
      expect(isIntegrationError(error) && error.code).toBe('TIMEOUT');
    });
  });

  it('survives heavy subscribe/unsubscribe churn without leaking listeners', async () => {
    const bus = createBus<AppEvents>();
    let received = 0;
    for (let i = 0; i < 10_000; i++) {
      const off = bus.subscribe('ai.completed', () => {
        received++;
      });
      bus.emit('ai.completed', { text: String(i) });
      off();
    }
    expect(received).toBe(10_000);
    expect(bus.listenerCount()).toBe(0);
  });
});
