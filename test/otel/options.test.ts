import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { instrument } from '../../src/otel/index.js';

describe('instrument options', () => {
  it('refuses something that is not a bus with CONFIG', () => {
    for (const bad of [undefined, null, {}, { subscribe: 'x' }]) {
      expect(() => instrument(bad as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
  });

  it('refuses a tracer or meter that is not one with CONFIG, before subscribing', () => {
    const bus = createBus();
    expect(() => instrument(bus, { tracer: {} as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => instrument(bus, { meter: {} as never })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(bus.listenerCount()).toBe(0);
  });
});
