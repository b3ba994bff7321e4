import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus, type Envelope } from '../../src/bus/index.js';
import { isValidationError } from '../../src/index.js';
import { MAX_DELAY } from '../../src/internal/config.js';

// Untyped access: these tests pass what TypeScript would refuse.
type Loose = {
  publish(type: unknown, data: unknown, options?: unknown): Promise<Envelope>;
  emit(type: unknown, data: unknown, options?: unknown): Envelope;
  subscribe(type: unknown, handler: unknown, options?: unknown): () => void;
  once(type: unknown, handler: unknown): () => void;
  waitFor(type: unknown, options?: unknown): Promise<Envelope>;
  listenerCount(type?: string): number;
};
const loose = (options?: unknown): Loose => createBus(options as never) as unknown as Loose;
const config = (message: string | RegExp) =>
  expect.objectContaining({ code: 'CONFIG', message: expect.stringMatching(message) });

/** A clock whose timers never fire and are counted. */
const idleClock = () => ({ now: () => 0, setTimeout: vi.fn(() => 1), clearTimeout: vi.fn() });

/** A transport that records what reaches it. */
const fakeTransport = () => ({
  publish: vi.fn(async () => {}),
  subscribe: vi.fn(() => async () => {}),
  close: vi.fn(async () => {}),
});

describe('createBus refuses bad options with CONFIG', () => {
  it.each([
    ['null', null, /^createBus options must be an object$/],
    ['a string', 'x', /^createBus options must be an object$/],
    ['source 5', { source: 5 }, /^source must be a non-empty string$/],
    ['an empty source', { source: '' }, /^source must be a non-empty string$/],
    ['onHandlerError 5', { onHandlerError: 5 }, /^onHandlerError must be a function$/],
    ['a clock without methods', { clock: {} }, /^clock must have the methods now, setTimeout, clearTimeout$/],
    ['clock 5', { clock: 5 }, /^clock must have the methods/],
    ['transport 5', { transport: 5 }, /^transport must have the methods publish, subscribe, close$/],
    ['logger 5', { logger: 5 }, /^logger must have the methods warn$/],
    ['schemas 5', { schemas: 5 }, /^schemas must be an object$/],
    ['schemas null', { schemas: null }, /^schemas must be an object$/],
    ['a schema that is a number', { schemas: { a: 5 } }, /^schemas\.a must be a Standard Schema/],
    ['a schema without validate', { schemas: { a: { '~standard': {} } } }, /^schemas\.a must be a Standard Schema/],
  ])('%s', (_, options, message) => {
    expect(() => loose(options)).toThrow(config(message));
  });

  it('accepts undefined schema entries and no options at all', () => {
    expect(() => loose({ schemas: { a: undefined } })).not.toThrow();
    expect(() => loose(undefined)).not.toThrow();
  });
});

describe('event types named like Object.prototype members', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('%s works with schemas', async (type) => {
    const bus = loose({ schemas: { a: z.object({}) } });
    const seen: string[] = [];
    bus.subscribe(type, (e: Envelope) => {
      seen.push(e.type);
    });
    await expect(bus.publish(type, { x: 1 })).resolves.toMatchObject({ type, data: { x: 1 } });
    expect(bus.emit(type, 2)).toMatchObject({ type, data: 2 });
    expect(seen).toEqual([type, type]);
  });

  it('a schema given for such a name validates it', async () => {
    // Own enumerable properties, as JSON.parse or a computed key would make them.
    const schemas = Object.defineProperties(
      {},
      {
        ['__proto__']: { value: z.number(), enumerable: true },
        toString: { value: z.string(), enumerable: true },
      },
    );
    const bus = loose({ schemas });
    await expect(bus.publish('__proto__', 'no')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(bus.publish('toString', 5)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(bus.publish('toString', 'yes')).resolves.toMatchObject({ data: 'yes' });
  });
});

describe('a schema that throws or returns garbage', () => {
  const schema = (validate: () => unknown) => ({ '~standard': { version: 1, vendor: 'x', validate } });
  const boom = new TypeError('validator bug');
  it.each([
    ['returns null', () => schema(() => null)],
    ['returns undefined', () => schema(() => undefined)],
    ['resolves to null', () => schema(async () => null)],
  ])('%s: publish rejects with VALIDATION and no handler runs', async (_, make) => {
    const transport = fakeTransport();
    const bus = loose({ schemas: { s: make() }, transport });
    const handler = vi.fn();
    bus.subscribe('*', handler);
    const error = await bus.publish('s', { token: 'x' }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'VALIDATION',
      message: 'invalid "s" event: the schema returned no result',
      issues: [{ message: 'the schema returned no result' }],
    });
    expect(handler).not.toHaveBeenCalled();
    expect(transport.publish).not.toHaveBeenCalled();
  });

  it.each([
    [
      'throws',
      () =>
        schema(() => {
          throw boom;
        }),
    ],
    [
      'rejects',
      () =>
        schema(async () => {
          throw boom;
        }),
    ],
  ])("%s: publish rejects with the validator's own error and no handler runs", async (_, make) => {
    const transport = fakeTransport();
    const bus = loose({ schemas: { s: make() }, transport });
    const handler = vi.fn();
    bus.subscribe('*', handler);
    await expect(bus.publish('s', {})).rejects.toBe(boom);
    if (_ === 'throws') expect(() => bus.emit('s', {})).toThrow(boom);
    expect(handler).not.toHaveBeenCalled();
    expect(transport.publish).not.toHaveBeenCalled();
  });
});

describe('publish and emit refuse bad options with CONFIG, before any delivery', () => {
  it.each([
    ['null', null, /^publish options must be an object$/],
    ['a string', 'x', /^publish options must be an object$/],
    ['id 5', { id: 5 }, /^id must be a non-empty string$/],
    ['an empty id', { id: '' }, /^id must be a non-empty string$/],
    ['source 5', { source: 5 }, /^source must be a non-empty string$/],
    ['an empty subject', { subject: '' }, /^subject must be a non-empty string$/],
    ['time NaN', { time: Number.NaN }, /^time must be a valid Date or date string$/],
    ['time Infinity', { time: Number.POSITIVE_INFINITY }, /^time must be a valid Date/],
    ['time {}', { time: {} }, /^time must be a valid Date/],
    ['time "garbage"', { time: 'garbage' }, /^time must be a valid Date/],
    ['month 13', { time: '2030-13-01T00:00:00Z' }, /^time must be a valid Date/],
    ['an invalid Date', { time: new Date(Number.NaN) }, /^time must be a valid Date/],
  ])('%s', async (_, options, message) => {
    const transport = fakeTransport();
    const bus = loose({ transport });
    const handler = vi.fn();
    bus.subscribe('*', handler);
    await expect(bus.publish('a', {}, options)).rejects.toThrow(config(message));
    expect(() => bus.emit('a', {}, options)).toThrow(config(message));
    expect(handler).not.toHaveBeenCalled();
    expect(transport.publish).not.toHaveBeenCalled();
  });

  it('accepts date strings with an offset or lowercase letters, and Dates', async () => {
    const bus = loose();
    for (const time of ['2030-01-01T00:00:00+02:00', '2030-01-01t00:00:00.5z'])
      expect((await bus.publish('a', {}, { time })).time).toBe(time);
    expect(bus.emit('a', {}, { time: new Date(0), id: 'i', subject: 's', source: 'x' })).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      id: 'i',
      subject: 's',
      source: 'x',
    });
  });
});

describe('event types of subscribe, once, waitFor and publish', () => {
  it.each([5, '', null, undefined, {}])('%j is refused with the same CONFIG message everywhere', async (type) => {
    const bus = loose();
    const message = /^event type must be a non-empty string$/;
    expect(() => bus.subscribe(type, () => {})).toThrow(config(message));
    expect(() => bus.subscribe(type, () => {}, { group: 'g' })).toThrow(config(message));
    expect(() => bus.once(type, () => {})).toThrow(config(message));
    await expect(bus.waitFor(type, { timeoutMs: 10 })).rejects.toThrow(config(message));
    await expect(bus.publish(type, {})).rejects.toThrow(config(message));
    expect(() => bus.emit(type, {})).toThrow(config(message));
    expect(bus.listenerCount()).toBe(0);
  });

  it.each([null, 'x', 5])('subscribe options %j are refused', (options) => {
    const transport = fakeTransport();
    const bus = loose({ transport });
    expect(() => bus.subscribe('a', () => {}, options)).toThrow(config(/^subscribe options must be an object$/));
    expect(bus.listenerCount()).toBe(0);
    expect(transport.subscribe).not.toHaveBeenCalled();
  });

  it('publishing "*" says why', async () => {
    await expect(loose().publish('*', {})).rejects.toThrow(
      config(/^"\*" only subscribes to every type: publish a specific type$/),
    );
  });

  it('a transport-backed group subscription with a bad type starts no consumer', () => {
    const transport = fakeTransport();
    const bus = loose({ transport });
    expect(() => bus.subscribe('', () => {}, { group: 'g' })).toThrow(config(/event type/));
    expect(transport.subscribe).not.toHaveBeenCalled();
  });
});

describe('waitFor checks its options before registering anything', () => {
  it.each([
    ['timeoutMs NaN', { timeoutMs: Number.NaN }, /^waitFor: timeoutMs must be a number in \[0, 2147483647\], got NaN$/],
    ['timeoutMs -1', { timeoutMs: -1 }, /^waitFor: timeoutMs must be a number in \[0, 2147483647\], got -1$/],
    ['timeoutMs "100"', { timeoutMs: '100' }, /^waitFor: timeoutMs must be a number/],
    ['timeoutMs Infinity', { timeoutMs: Number.POSITIVE_INFINITY }, /got Infinity$/],
    ['timeoutMs 1e12', { timeoutMs: 1e12 }, /got 1000000000000$/],
    ['timeoutMs above MAX_DELAY', { timeoutMs: MAX_DELAY + 1 }, /got 2147483648$/],
    ['filter 5', { filter: 5 }, /^waitFor: filter must be a function$/],
    ['signal 5', { signal: 5 }, /^waitFor: signal must have the methods addEventListener, removeEventListener$/],
    ['signal {}', { signal: { aborted: false } }, /^waitFor: signal must have the methods/],
    ['null options', null, /^waitFor options must be an object$/],
    ['string options', 'x', /^waitFor options must be an object$/],
  ])('%s', async (_, options, message) => {
    const transport = fakeTransport();
    const clock = idleClock();
    const bus = loose({ transport, clock });
    await expect(bus.waitFor('a', options)).rejects.toThrow(config(message));
    expect(bus.listenerCount()).toBe(0);
    expect(clock.setTimeout).not.toHaveBeenCalled();
    expect(transport.subscribe).not.toHaveBeenCalled();
  });

  it('accepts 0 and MAX_DELAY', async () => {
    const clock = idleClock();
    const bus = loose({ clock });
    const a = bus.waitFor('a', { timeoutMs: MAX_DELAY });
    const b = bus.waitFor('a', { timeoutMs: 0 });
    expect(clock.setTimeout.mock.calls.map((call) => (call as unknown[])[1])).toEqual([MAX_DELAY, 0]);
    bus.emit('a', 1);
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
    expect(bus.listenerCount()).toBe(0);
  });

  it("a throwing filter rejects the wait with the filter's error and cleans up", async () => {
    const clock = idleClock();
    const bus = loose({ clock });
    const failures = vi.fn();
    bus.subscribe('bus.handler_failed', failures);
    const boom = new Error('filter bug');
    const waiting = bus.waitFor('a', {
      timeoutMs: 1000,
      filter: () => {
        throw boom;
      },
    });
    bus.emit('a', 1);
    await expect(waiting).rejects.toBe(boom);
    expect(failures).not.toHaveBeenCalled();
    expect(clock.clearTimeout).toHaveBeenCalledWith(1);
    expect(bus.listenerCount('a')).toBe(0);
  });

  it('a filter throwing a falsy value rejects too', async () => {
    const bus = loose();
    const waiting = bus.waitFor('a', {
      filter: () => {
        throw undefined;
      },
    });
    bus.emit('a', 1);
    await expect(waiting).rejects.toBeUndefined();
    expect(bus.listenerCount()).toBe(0);
  });
});
