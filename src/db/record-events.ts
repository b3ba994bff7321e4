import { configError } from '../internal/config.js';
import type { Table } from './types.js';

/** The envelope fields `recordEvents` reads (any CloudEvents envelope fits). */
export interface RecordedEnvelope {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
  data: unknown;
}

/** The row `recordEvents` writes by default. */
export interface EventRow extends Record<string, unknown> {
  id: string;
  type: string;
  source: string;
  time: string;
  subject: string | null;
  data: unknown;
}

/** The part of a bus `recordEvents` needs: `subscribe` returning an unsubscribe function. */
export interface SubscribableBus {
  /** Registers `handler` for `type`; returns the unsubscribe function. */
  subscribe(type: string, handler: (envelope: RecordedEnvelope) => unknown): () => void;
}

/** Options of {@link recordEvents}. */
export interface RecordEventsOptions<Row extends Record<string, unknown>> {
  /** Event types to record; `['*']` records everything. */
  types: readonly string[];
  /** Turns an envelope into a row. @default the envelope's id, type, source, time, subject, data */
  toRow?: (envelope: RecordedEnvelope) => Row;
}

/**
 * Appends the chosen bus envelopes to a table (an analytics or audit store). A failed
 * insert is a failed handler: the bus reports it (`bus.handler_failed`, `onHandlerError`)
 * and other handlers run on. Returns a function that stops recording.
 *
 * @example
 * ```ts
 * const stop = recordEvents(bus, postgresTable(sql, 'analytics.events'), { types: ['queue.failed', 'order.paid'] });
 * ```
 */
export function recordEvents<Row extends Record<string, unknown> = EventRow>(
  bus: SubscribableBus,
  table: Pick<Table<Row>, 'insert'>,
  options: RecordEventsOptions<Row>,
): () => void {
  if (!bus || typeof bus.subscribe !== 'function') configError('recordEvents needs a bus');
  if (!table || typeof table.insert !== 'function') configError('recordEvents needs a table');
  const types = options?.types;
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || t === '')) {
    configError('recordEvents: types must be a non-empty list of event types');
  }
  const toRow =
    options.toRow ??
    ((e: RecordedEnvelope) =>
      ({
        id: e.id,
        type: e.type,
        source: e.source,
        time: e.time,
        subject: e.subject ?? null,
        data: e.data,
      }) as unknown as Row);
  const handler = async (envelope: RecordedEnvelope) => {
    await table.insert([toRow(envelope)]);
  };
  const unsubscribes = types.includes('*')
    ? [bus.subscribe('*', handler)]
    : [...new Set(types)].map((t) => bus.subscribe(t, handler));
  return () => {
    for (const off of unsubscribes) off();
  };
}
