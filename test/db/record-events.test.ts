import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { type EventRow, memoryTable, recordEvents } from '../../src/db/index.js';

type Events = { 'order.paid': { id: string; total: number }; 'order.viewed': { id: string } };

describe('recordEvents', () => {
  it('appends the chosen envelopes to a table and stops on unsubscribe', async () => {
    const bus = createBus<Events>({ source: 'shop' });
    const table = memoryTable<EventRow>({ unique: ['id'] });
    const stop = recordEvents(bus, table, { types: ['order.paid', 'queue.failed'] });
    const envelope = await bus.publish('order.paid', { id: 'o1', total: 42 });
    await bus.publish('order.viewed', { id: 'o1' });
    expect(await table.select()).toEqual([
      {
        id: envelope.id,
        type: 'order.paid',
        source: 'shop',
        time: envelope.time,
        subject: null,
        data: { id: 'o1', total: 42 },
      },
    ]);
    stop();
    await bus.publish('order.paid', { id: 'o2', total: 1 });
    expect(await table.select()).toHaveLength(1);
  });

  it("records everything with '*' and maps rows with toRow", async () => {
    const bus = createBus<Events>();
    const table = memoryTable<{ type: string; at: string }>();
    recordEvents(bus, table, { types: ['*'], toRow: (e) => ({ type: e.type, at: e.time }) });
    await bus.publish('order.paid', { id: 'o1', total: 1 });
    await bus.publish('order.viewed', { id: 'o1' });
    expect((await table.select()).map((r) => r.type)).toEqual(['order.paid', 'order.viewed']);
  });

  it('a failing insert is reported by the bus, never swallowed', async () => {
    const failures: unknown[] = [];
    const bus = createBus<Events>({ onHandlerError: (error) => failures.push(error) });
    const table = memoryTable<EventRow>({ unique: ['id'] });
    recordEvents(bus, table, { types: ['order.paid'] });
    await bus.publish('order.paid', { id: 'o1', total: 1 }, { id: 'same' });
    await bus.publish('order.paid', { id: 'o1', total: 1 }, { id: 'same' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses bad options with CONFIG', () => {
    const bus = createBus<Events>();
    expect(() => recordEvents(bus, memoryTable(), { types: [] })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => recordEvents(bus, undefined as never, { types: ['x'] })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
