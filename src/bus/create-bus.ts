import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TimeoutError } from '../errors/timeout-error.js';
import { assertMethods, assertObject, configError, MAX_DELAY } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { validate } from '../internal/schema.js';
import { abortErrorFrom, keepAlive } from '../internal/sleep.js';
import type { SystemEvents } from './system-events.js';
import type {
  Bus,
  BusOptions,
  Envelope,
  EventMap,
  Handler,
  PublishOptions,
  SubscribeOptions,
  WaitForOptions,
} from './types.js';

const WILDCARD = '*';
const HANDLER_FAILED = 'bus.handler_failed';

type AnyHandler = (envelope: Envelope) => unknown;

/** What `envelopeOf` gets when a call passes no options (never checked). */
const NO_OPTIONS: PublishOptions = {};

/** Throws `CONFIG` unless `value` is a non-empty string. */
function assertString(name: string, value: unknown): void {
  if (typeof value !== 'string' || !value) configError(`${name} must be a non-empty string`);
}

/** Checks the options of `publish` and `emit`: CloudEvents attributes must be non-empty strings. */
function checkOptions(opts: PublishOptions): void {
  assertObject('publish options', opts);
  const { time } = opts;
  for (const key of ['id', 'source', 'subject'] as const) if (opts[key] !== undefined) assertString(key, opts[key]);
  if (time !== undefined && !Number.isFinite(typeof time === 'string' ? Date.parse(time) : +time))
    configError('time must be a valid Date or date string');
}

/** Event types are non-empty strings; `'*'` (subscribing to all) is refused by `check` for publishing. */
const assertType = (type: unknown): void => assertString('event type', type);

// `toISOString()` costs more than the rest of an envelope: events of one millisecond share it.
let lastMs: number | undefined;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
/** A registered handler: `off` removes it; a work-sharing group's also has its name and members. */
type Listener = AnyHandler & { off: () => void; group?: string; members?: AnyHandler[] };

/**
 * Creates a typed in-process event bus. Envelopes are CloudEvents 1.0; a handler that throws or
 * rejects never stops other handlers nor the publisher (its error goes to `onHandlerError` and
 * a `bus.handler_failed` event). The library's {@link SystemEvents} are always part of the map.
 * With a `transport` (`redisTransport`, `natsTransport`) events travel between processes: see
 * {@link BusTransport} for delivery semantics and `subscribe(type, handler, { group })` for
 * work-sharing.
 *
 * @example
 * ```ts
 * const bus = createBus<{ 'call.ended': { callId: string } }>();
 * bus.subscribe('call.ended', (e) => console.log(e.data.callId));
 * await bus.publish('call.ended', { callId: 'c_1' });
 * ```
 */
export function createBus<E extends EventMap = Record<never, never>>(
  options: BusOptions<E & SystemEvents> = {},
): Bus<E & SystemEvents> {
  assertObject('createBus options', options);
  const {
    onHandlerError,
    logger,
    transport,
    source = 'wawagot:integrations',
    // The real clock. Its timers keep the process alive: the bus's only one, waitFor's, is
    // awaited by its caller.
    clock = {
      now: Date.now,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
    },
  } = options;
  assertString('source', source);
  if (onHandlerError !== undefined && typeof onHandlerError !== 'function')
    configError('onHandlerError must be a function');
  assertMethods('clock', options.clock, ['now', 'setTimeout', 'clearTimeout']);
  assertMethods('transport', transport, ['publish', 'subscribe', 'close']);
  assertMethods('logger', logger, ['warn']);
  // Own entries only, in an object without prototype: `toString` or `constructor` has no schema.
  let schemas: Record<string, StandardSchemaV1> | undefined;
  if (options.schemas !== undefined) {
    assertObject('schemas', options.schemas);
    schemas = Object.create(null) as Record<string, StandardSchemaV1>;
    for (const [type, schema] of Object.entries(options.schemas as Record<string, StandardSchemaV1 | undefined>)) {
      if (schema === undefined) continue;
      if (typeof schema?.['~standard']?.validate !== 'function')
        configError(`schemas.${type} must be a Standard Schema`);
      schemas[type] = schema;
    }
  }
  // type → handlers; arrays are replaced, never mutated, so a delivery in progress is unaffected
  // by (un)subscribes from inside a handler. An in-process work-sharing group is one handler
  // that serves its members in turn.
  const handlers = new Map<string, Listener[]>();
  // With a transport: the broadcast consumer, started with the first local handler.
  let listening = false;

  function fail(error: unknown, envelope: Envelope): void {
    try {
      onHandlerError?.(error, envelope);
    } catch {
      // An error reporter that throws must not break delivery either.
    }
    const failure = { type: envelope.type, id: envelope.id, error: errorInfo(error) };
    logger?.warn(failure, 'bus handler failed');
    // A failing `bus.handler_failed` handler would otherwise loop forever.
    if (envelope.type !== HANDLER_FAILED) run(envelopeOf(HANDLER_FAILED, failure));
  }

  function envelopeOf(type: string, data: unknown, opts: PublishOptions = NO_OPTIONS): Envelope {
    if (opts !== NO_OPTIONS) checkOptions(opts);
    const { time = clock.now() } = opts;
    const envelope: Envelope = {
      specversion: '1.0',
      id: opts.id ?? crypto.randomUUID(),
      source: opts.source ?? source,
      type,
      time: typeof time === 'string' ? time : isoTime(+time),
      data,
    };
    if (opts.subject !== undefined) envelope.subject = opts.subject;
    return envelope;
  }

  /**
   * Calls the handlers of `envelope` (its type's, then `'*'`'s); returns what settles once every
   * handler that returned a promise has settled, or `undefined` when none did. Never throws.
   */
  function run(envelope: Envelope): Promise<unknown> | undefined {
    let pending: unknown[] | undefined;
    for (const list of [handlers.get(envelope.type), handlers.get(WILDCARD)]) {
      for (const handler of list ?? []) {
        try {
          const result = handler(envelope) as Promise<unknown> | undefined;
          // A `then` that is not a function throws here and is reported like any failure.
          if (result?.then) {
            pending ??= [];
            pending.push(result.then(undefined, (error: unknown) => fail(error, envelope)));
          }
        } catch (error) {
          fail(error, envelope);
        }
      }
    }
    return pending && Promise.all(pending);
  }

  /** Checks the type; returns `data`, validated (maybe asynchronously) when the type has a schema. */
  function check(type: unknown, data: unknown): unknown {
    if (type === WILDCARD) configError('"*" only subscribes to every type: publish a specific type');
    assertType(type);
    const schema = schemas?.[type as string];
    return schema ? validate(schema, data, `invalid "${type}" event`) : data;
  }

  // A transport's handle for `deliver`. Schemas validate remote envelopes too; a rejection
  // makes the transport dead-letter them.
  function remote(deliver: (envelope: Envelope) => unknown) {
    return async (envelope: Envelope): Promise<void> => {
      envelope.data = await check(envelope.type, envelope.data);
      await deliver(envelope);
    };
  }

  function add(type: string, handler: AnyHandler, once?: boolean): Listener {
    if (!listening) listening = !!transport?.subscribe(WILDCARD, undefined, remote(run));
    let fired = false;
    const listener: Listener = (envelope) => {
      if (once) {
        // A delivery still in progress lists it after a nested one (re-emitting the type) ran it.
        if (fired) return;
        fired = true;
        listener.off();
      }
      return handler(envelope);
    };
    listener.off = () => {
      const rest = handlers.get(type)?.filter((h) => h !== listener) ?? [];
      // Types come and go (waitFor on per-request types): an empty list leaves the map.
      if (rest.length) handlers.set(type, rest);
      else handlers.delete(type);
    };
    handlers.set(type, [...(handlers.get(type) ?? []), listener]);
    return listener;
  }

  function assertHandler(type: unknown, handler: unknown): void {
    assertType(type);
    if (typeof handler !== 'function') configError('handler must be a function');
  }

  const bus = {
    async publish(type: string, data: unknown, opts?: PublishOptions) {
      let value = check(type, data);
      if (value !== data) value = await value;
      const envelope = envelopeOf(type as string, value, opts);
      if (transport) await transport.publish(envelope);
      // Nothing more to wait for unless a handler returned a promise.
      const settled = run(envelope);
      if (settled) await settled;
      return envelope;
    },

    emit(type: string, data: unknown, opts?: PublishOptions) {
      const value = check(type, data);
      if (value !== data && value instanceof Promise) {
        value.catch(() => undefined);
        configError(`"${type}" has an asynchronous schema: use publish()`);
      }
      const envelope = envelopeOf(type, value, opts);
      transport?.publish(envelope).catch((error: unknown) => fail(error, envelope));
      run(envelope);
      return envelope;
    },

    subscribe(type: string, handler: Handler<Envelope>, opts?: SubscribeOptions) {
      assertHandler(type, handler);
      if (opts !== undefined) assertObject('subscribe options', opts);
      const group = opts?.group ?? transport?.group;
      if (group === undefined) return add(type, handler as AnyHandler).off;
      assertString('group', group);
      if (transport) {
        // Its stop resolves once in-flight handlers finished; the caller need not wait for it.
        return transport.subscribe(
          type,
          group,
          remote(async (envelope) => {
            try {
              await handler(envelope);
            } catch (error) {
              fail(error, envelope);
              throw error;
            }
          }),
        );
      }
      let turn = 0;
      const dispatcher: Required<Listener> =
        (handlers.get(type)?.find((h) => h.group === group) as Required<Listener> | undefined) ??
        Object.assign(
          add(type, (envelope) => dispatcher.members[turn++ % dispatcher.members.length]?.(envelope)),
          { group, members: [] },
        );
      const member: AnyHandler = (envelope) => handler(envelope);
      dispatcher.members.push(member);
      return () => {
        dispatcher.members = dispatcher.members.filter((h) => h !== member);
        if (!dispatcher.members.length) dispatcher.off();
      };
    },

    once(type: string, handler: Handler<Envelope>) {
      assertHandler(type, handler);
      return add(type, handler as AnyHandler, true).off;
    },

    waitFor(type: string, options: WaitForOptions<Envelope> = {}) {
      return new Promise<Envelope>((resolve, reject) => {
        // Bad arguments reject (throwing here does) before anything is registered.
        assertType(type);
        assertObject('waitFor options', options);
        const { filter, timeoutMs, signal } = options;
        // (assertNumber's check and message, inline: the bus bundle has no other number to check)
        if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && timeoutMs <= MAX_DELAY))
          configError(`waitFor: timeoutMs must be a number in [0, ${MAX_DELAY}], got ${String(timeoutMs)}`);
        if (filter !== undefined && typeof filter !== 'function') configError('waitFor: filter must be a function');
        assertMethods('waitFor: signal', signal, ['addEventListener', 'removeEventListener']);
        // Already aborted: nothing is registered (no handler, no timer, no transport consumer).
        if (signal?.aborted) return reject(abortErrorFrom(signal));
        let timer: unknown;
        const settle = (done: (value: any) => void, value: unknown) => {
          listener.off();
          clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          done(value);
        };
        const onAbort = () => settle(reject, abortErrorFrom(signal as AbortSignal));
        const listener = add(type, (envelope) => {
          // A throwing filter rejects the wait with its error.
          try {
            if (!filter || filter(envelope)) settle(resolve, envelope);
          } catch (error) {
            settle(reject, error);
          }
        });
        signal?.addEventListener('abort', onAbort);
        // A clock may fire at once (a test clock already past the deadline): settle tolerates that.
        if (timeoutMs !== undefined)
          timer = clock.setTimeout(
            () =>
              settle(reject, new TimeoutError(`no "${type}" event within ${timeoutMs} ms`, { details: { timeoutMs } })),
            timeoutMs,
          );
        keepAlive(timer); // awaited by the caller: the TimeoutError must arrive
      });
    },

    async close() {
      handlers.clear();
      await transport?.close();
    },

    listenerCount(type?: string) {
      let total = 0;
      for (const [name, list] of handlers) if (name === (type ?? name)) total += list.length;
      return total;
    },
  };
  return bus as unknown as Bus<E & SystemEvents>;
}
