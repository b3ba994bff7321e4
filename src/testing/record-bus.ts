import type { Envelope } from '../bus/types.js';
import { TimeoutError } from '../errors/timeout-error.js';

/** The part of a bus {@link recordBus} needs: any bus made by `createBus` fits. */
export interface RecordableBus {
  /** Registers a handler for every event; returns the unsubscribe function. */
  subscribe(type: '*', handler: (envelope: any) => void): () => void;
}

/** Everything a bus carried, for assertions. */
export interface BusRecorder {
  /** Every envelope recorded so far, in order. */
  readonly events: readonly Envelope[];
  /** Types of the recorded envelopes, in order. */
  types(): string[];
  /** Envelopes of one type. */
  ofType(type: string): Envelope[];
  /** Resolves with the first recorded (or future) envelope of `type` that passes `filter`. */
  waitFor(type: string, filter?: (envelope: Envelope) => boolean, options?: { timeoutMs?: number }): Promise<Envelope>;
  /** Forgets what was recorded. */
  clear(): void;
  /** Stops recording. */
  stop(): void;
}

/**
 * Records every envelope published on `bus` so a test can assert on what happened.
 *
 * @example
 * ```ts
 * const recorder = recordBus(bus);
 * await client.get('/health');
 * expect(recorder.types()).toContain('http.response');
 * await recorder.waitFor('queue.completed', (e) => e.data.jobId === 'j1');
 * ```
 */
export function recordBus(bus: RecordableBus): BusRecorder {
  const events: Envelope[] = [];
  const waiters = new Set<{
    type: string;
    filter?: ((e: Envelope) => boolean) | undefined;
    resolve: (e: Envelope) => void;
  }>();
  const unsubscribe = bus.subscribe('*', (envelope: Envelope) => {
    events.push(envelope);
    for (const waiter of waiters) {
      if (waiter.type === envelope.type && (!waiter.filter || waiter.filter(envelope))) {
        waiters.delete(waiter);
        waiter.resolve(envelope);
      }
    }
  });
  return {
    events,
    types: () => events.map((e) => e.type),
    ofType: (type) => events.filter((e) => e.type === type),
    waitFor(type, filter, { timeoutMs = 5_000 } = {}) {
      const found = events.find((e) => e.type === type && (!filter || filter(e)));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        // A real timer on purpose: a test clock may be frozen while the test waits.
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new TimeoutError(
              `recordBus: no "${type}" event within ${timeoutMs} ms; recorded: ${events.map((e) => e.type).join(', ') || 'none'}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          type,
          filter,
          resolve: (e: Envelope) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        waiters.add(waiter);
      });
    },
    clear: () => {
      events.length = 0;
    },
    stop: unsubscribe,
  };
}
