import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Clock, Logger } from '../types.js';
import type { SystemEvents } from './system-events.js';

/** A map of event type to payload type. */
// `any`, not `unknown`: interfaces (such as SystemEvents) then satisfy the constraint too.
export type EventMap = Record<string, any>;

/**
 * A CloudEvents 1.0 envelope: the unit every bus handler receives.
 *
 * @example
 * ```ts
 * bus.subscribe('order.paid', (e) => console.log(e.id, e.time, e.data));
 * ```
 */
export interface Envelope<T extends string = string, D = unknown> {
  specversion: '1.0';
  /** Unique id (`crypto.randomUUID()` unless given). */
  id: string;
  source: string;
  type: T;
  /** ISO-8601 timestamp. */
  time: string;
  data: D;
  subject?: string;
}

/** The envelope union of an event map, one member per type. */
export type EnvelopeOf<E extends EventMap> = { [K in keyof E & string]: Envelope<K, E[K]> }[keyof E & string];

/** Overrides accepted by `publish` and `emit` (strings must be non-empty: CONFIG otherwise). */
export interface PublishOptions {
  id?: string;
  source?: string;
  subject?: string;
  /** Event time, a valid `Date` or date string (CloudEvents asks for RFC 3339); defaults to the bus clock's now. */
  time?: string | Date;
}

/** A handler; may be async. Its failure never affects the publisher or other handlers. */
export type Handler<Env> = (envelope: Env) => void | Promise<void>;

/** Options of `bus.waitFor`. */
export interface WaitForOptions<Env> {
  /** Only resolve for envelopes that pass. A filter that throws rejects the wait with its error. */
  filter?: (envelope: Env) => boolean;
  /** Reject with `TimeoutError` after this long: 0 to 2_147_483_647 ms (longer timers fire at once). */
  timeoutMs?: number;
  /** Reject with `AbortError` when aborted. */
  signal?: AbortSignal;
}

/**
 * Options of `bus.subscribe`.
 *
 * @example
 * ```ts
 * bus.subscribe('order.paid', sendReceipt, { group: 'mailer' }); // one mailer handles each event
 * ```
 */
export interface SubscribeOptions {
  /**
   * Work-sharing: among the handlers subscribed to a type with the same group (in this process
   * and, with a transport, in every process), exactly one handles each event. Without a group a
   * handler sees every event (broadcast).
   */
  group?: string;
}

/**
 * Carries envelopes between processes through a broker. The core owns this contract;
 * `redisTransport` (`bus/redis`) and `natsTransport` (`bus/nats`) implement it.
 *
 * @example
 * ```ts
 * const bus = createBus({ transport: redisTransport(redis) });
 * ```
 */
export interface BusTransport {
  /** Default group of subscriptions that name none (unset: they are broadcast). */
  readonly group?: string | undefined;
  /** Stores the envelope; resolves once the broker has durably accepted it. */
  publish(envelope: Envelope): Promise<void>;
  /**
   * Delivers stored envelopes of `type` (`'*'`: all) to `handle`. Without `group`: broadcast of
   * what other buses publish from now on, no redelivery. With `group`: at-least-once to one
   * member of the group; acked once `handle` resolves, retried when it rejects, dead-lettered
   * after the last attempt (at once for a non-retryable `IntegrationError`, e.g. a
   * `ValidationError`). Returns a function that stops it after in-flight handlers finish.
   */
  subscribe(
    type: string,
    group: string | undefined,
    handle: (envelope: Envelope) => Promise<void>,
  ): () => Promise<void>;
  /** Stops every consumer after in-flight handlers finish and their acks are sent. */
  close(): Promise<void>;
}

/** Options of `createBus`. */
export interface BusOptions<E extends EventMap> {
  /**
   * Carries events between processes: `publish` resolves once the broker accepted the envelope,
   * subscribers of every process with the same transport settings receive it.
   */
  transport?: BusTransport;
  /** CloudEvents `source` of envelopes published here. @default 'wawagot:integrations' */
  source?: string;
  /** Standard Schemas per event type: `publish` of invalid data throws `ValidationError`. */
  schemas?: { [K in keyof E]?: StandardSchemaV1<unknown, E[K]> };
  /** Receives every handler failure. */
  onHandlerError?: (error: unknown, envelope: Envelope) => void;
  /** Time source for envelope times and `waitFor` timeouts. */
  clock?: Clock;
  /** Logs handler failures at `warn`. */
  logger?: Logger;
}

/**
 * A typed in-process event bus carrying CloudEvents envelopes.
 * `E` is the application's event map; the library's {@link SystemEvents} are always included.
 */
export interface Bus<E extends EventMap> {
  /**
   * Validates, wraps in an envelope, hands it to the transport (if any) and resolves once the
   * broker accepted it and this process's handlers have settled.
   */
  publish<K extends keyof E & string>(type: K, data: E[K], options?: PublishOptions): Promise<Envelope<K, E[K]>>;
  /** Synchronous fire-and-forget: handlers start now; async ones are not awaited. */
  emit<K extends keyof E & string>(type: K, data: E[K], options?: PublishOptions): Envelope<K, E[K]>;
  /**
   * Registers a handler for one type, or `'*'` for all; `group` makes it work-sharing.
   * Returns the unsubscribe function.
   */
  subscribe<K extends keyof E & string>(
    type: K,
    handler: Handler<Envelope<K, E[K]>>,
    options?: SubscribeOptions,
  ): () => void;
  /** Registers a handler for every event type. Returns the unsubscribe function. */
  subscribe(type: '*', handler: Handler<EnvelopeOf<E>>, options?: SubscribeOptions): () => void;
  /** Like `subscribe`, removed after the first envelope. */
  once<K extends keyof E & string>(type: K, handler: Handler<Envelope<K, E[K]>>): () => void;
  /** Like `subscribe('*')`, removed after the first envelope of any type. */
  once(type: '*', handler: Handler<EnvelopeOf<E>>): () => void;
  /** Resolves with the next matching envelope; rejects with `TimeoutError` or `AbortError`. */
  waitFor<K extends keyof E & string>(type: K, options?: WaitForOptions<Envelope<K, E[K]>>): Promise<Envelope<K, E[K]>>;
  /** Resolves with the next matching envelope of any type. */
  waitFor(type: '*', options?: WaitForOptions<EnvelopeOf<E>>): Promise<EnvelopeOf<E>>;
  /** Number of handlers registered for a type (or all types when omitted). */
  listenerCount(type?: (keyof E & string) | '*'): number;
  /** Removes every handler and closes the transport (draining in-flight handlers and acks). */
  close(): Promise<void>;
}

/**
 * The part of a bus that library components publish into. Any `Bus` created by `createBus`
 * fits, whatever its application events.
 */
export interface EventSink {
  /** Publishes a system event and resolves once it is handed over (see `Bus.publish`). */
  publish<K extends keyof SystemEvents>(type: K, data: SystemEvents[K], options?: PublishOptions): Promise<unknown>;
  /** Publishes a system event without waiting (see `Bus.emit`). */
  emit<K extends keyof SystemEvents>(type: K, data: SystemEvents[K], options?: PublishOptions): unknown;
}
