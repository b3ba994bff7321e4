import { describe, expectTypeOf, it } from 'vitest';
import { createBus, type Envelope, type EventSink } from '../../src/bus/index.js';

type AppEvents = { 'call.ended': { callId: string } };

describe('bus types', () => {
  it('types payloads and envelopes per event name', () => {
    const bus = createBus<AppEvents>();
    bus.subscribe('call.ended', (e) => {
      expectTypeOf(e).toEqualTypeOf<Envelope<'call.ended', { callId: string }>>();
      expectTypeOf(e.data.callId).toBeString();
    });
    bus.subscribe('breaker.opened', (e) => {
      expectTypeOf(e.data.retryAfterMs).toBeNumber();
    });
    expectTypeOf(bus.publish('call.ended', { callId: 'x' })).resolves.toEqualTypeOf<
      Envelope<'call.ended', { callId: string }>
    >();
  });

  it('refuses a wrong event name or payload at compile time', () => {
    const bus = createBus<AppEvents>();
    // @ts-expect-error unknown event type
    bus.emit('call.started', { callId: 'x' });
    // @ts-expect-error wrong payload shape
    bus.emit('call.ended', { callId: 1 });
    // @ts-expect-error missing payload field
    void bus.publish('call.ended', {});
    // @ts-expect-error system event payloads are typed too
    bus.emit('breaker.closed', { nope: true });
    expectTypeOf(bus.emit)
      .parameter(0)
      .toEqualTypeOf<'call.ended' | keyof import('../../src/bus/index.js').SystemEvents>();
  });

  it('any application bus can be given to library components as an EventSink', () => {
    const bus = createBus<AppEvents>();
    expectTypeOf(bus).toExtend<EventSink>();
  });
});
