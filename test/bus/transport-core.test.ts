// How createBus uses a transport, with an in-memory fake (the real ones: *.redis/*.nats tests).
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import type { BusTransport, Envelope } from '../../src/bus/types.js';
import { ValidationError } from '../../src/errors/validation-error.js';

type Handle = (envelope: Envelope) => Promise<void>;

function fakeTransport(group?: string) {
  const log: string[] = [];
  const subs: Array<{ type: string; group: string | undefined; handle: Handle }> = [];
  let fail: Error | undefined;
  const transport: BusTransport = {
    group,
    async publish(envelope) {
      log.push(`publish ${envelope.type}`);
      if (fail) throw fail;
    },
    subscribe(type, g, handle) {
      subs.push({ type, group: g, handle });
      return async () => void log.push(`stop ${type}`);
    },
    async close() {
      log.push('close');
    },
  };
  const failWith = (e: Error) => {
    fail = e;
  };
  return { transport, log, subs, failWith };
}

type Events = { 'order.paid': { id: string; cents: number } };
const schemas = { 'order.paid': z.object({ id: z.string(), cents: z.number().int().nonnegative() }) };
const remote = (data: unknown): Envelope => ({
  specversion: '1.0',
  id: 'remote-1',
  source: 'elsewhere',
  type: 'order.paid',
  time: '2030-01-01T00:00:00.000Z',
  data,
});

describe('createBus with a transport', () => {
  it('publish hands the envelope to the broker first, then runs local handlers', async () => {
    const { transport, log } = fakeTransport();
    const bus = createBus<Events>({ transport });
    bus.subscribe('order.paid', () => void log.push('handler'));
    await bus.publish('order.paid', { id: 'o', cents: 1 });
    expect(log).toEqual(['publish order.paid', 'handler']);
  });

  it('a broker failure rejects publish and no handler runs; emit reports it instead', async () => {
    const onHandlerError = vi.fn();
    const { transport, failWith } = fakeTransport();
    const bus = createBus<Events>({ transport, onHandlerError });
    const handler = vi.fn();
    bus.subscribe('order.paid', handler);
    failWith(new Error('broker down'));
    await expect(bus.publish('order.paid', { id: 'o', cents: 1 })).rejects.toThrow('broker down');
    expect(handler).not.toHaveBeenCalled();
    const envelope = bus.emit('order.paid', { id: 'o', cents: 1 });
    expect(handler).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(onHandlerError).toHaveBeenCalledWith(expect.any(Error), envelope));
  });

  it('starts one broadcast consumer with the first local handler and feeds it validated envelopes', async () => {
    const { transport, subs } = fakeTransport();
    const bus = createBus<Events>({ transport, schemas });
    expect(subs).toHaveLength(0);
    const seen: Envelope[] = [];
    bus.subscribe('order.paid', (e) => void seen.push(e));
    bus.subscribe('*', () => {});
    void bus.waitFor('order.paid');
    expect(subs).toEqual([{ type: '*', group: undefined, handle: expect.any(Function) }]);
    const handle = subs[0]?.handle as Handle;
    await handle(remote({ id: 'o', cents: 5 }));
    expect(seen.map((e) => e.id)).toEqual(['remote-1']);
    await expect(handle(remote({ id: 'o', cents: -5 }))).rejects.toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(1);
  });

  it('group handlers live in the transport: acked on success, reported and rethrown on failure', async () => {
    const onHandlerError = vi.fn();
    const { transport, subs, log } = fakeTransport('billing');
    const bus = createBus<Events>({ transport, schemas, onHandlerError });
    const calls: string[] = [];
    const off = bus.subscribe('order.paid', (e) => {
      calls.push(e.data.id);
      if (e.data.id === 'bad') throw new Error('nope');
    });
    bus.subscribe('order.paid', () => {}, { group: 'audit' });
    expect(subs.map((s) => [s.type, s.group])).toEqual([
      ['order.paid', 'billing'],
      ['order.paid', 'audit'],
    ]);
    // Not run in-process at publish: the broker picks the member.
    await bus.publish('order.paid', { id: 'local', cents: 1 });
    expect(calls).toEqual([]);
    const handle = subs[0]?.handle as Handle;
    await handle(remote({ id: 'ok', cents: 1 }));
    await expect(handle(remote({ id: 'bad', cents: 1 }))).rejects.toThrow('nope');
    await expect(handle(remote({ id: 'ok', cents: -1 }))).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toEqual(['ok', 'bad']);
    expect(onHandlerError).toHaveBeenCalledOnce();
    off();
    await bus.close();
    expect(log).toContain('stop order.paid');
    expect(log.at(-1)).toBe('close');
  });
});
