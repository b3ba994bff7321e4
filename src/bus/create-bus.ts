import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { validateSync, validateWith } from '../internal/schema.js';
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
const NONE: AnyHandler[] = [];

// `toISOString()` costs more than the rest of an envelope: all but its milliseconds are kept
// per second.
let isoSecond: number | undefined;
let isoPrefix = '';
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  return `${isoPrefix}${String(1000 + ((ms - second * 1000) | 0)).slice(1)}Z`;
}

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
  // type → handlers; arrays are replaced, never mutated, so a delivery in progress is unaffected
  // by (un)subscribes from inside a handler.
  const handlers = new Map<string, AnyHandler[]>();
  const source = options.source ?? 'wawagot:integrations';
  const schemas = options.schemas as Record<string, StandardSchemaV1 | undefined> | undefined;
  const clock = options.clock ?? systemClock;
  const { onHandlerError, logger, transport } = options;
  let wildcardCount = 0;
  // With a transport: the broadcast consumer (started with the first local handler).
  let broadcast: (() => Promise<void>) | undefined;
  // Without a transport: in-process work-sharing groups, round robin per group and type.
  const groups = new Map<string, { members: AnyHandler[]; next: number; off: () => void }>();

  function reportFailure(error: unknown, envelope: Envelope): void {
    try {
      onHandlerError?.(error, envelope);
    } catch {
      // An error reporter that throws must not break delivery either.
    }
    const failure = { type: envelope.type, id: envelope.id, error: errorInfo(error) };
    logger?.warn(failure, 'bus handler failed');
    // A failing `bus.handler_failed` handler would otherwise loop forever.
    if (envelope.type !== HANDLER_FAILED) run(makeEnvelope(HANDLER_FAILED, failure));
  }

  function guard(handler: AnyHandler): AnyHandler {
    return (envelope) => {
      try {
        const result = handler(envelope) as Promise<unknown> | undefined;
        if (result != null && typeof result.then === 'function') {
          return result.then(undefined, (error: unknown) => reportFailure(error, envelope));
        }
      } catch (error) {
        reportFailure(error, envelope);
      }
      return undefined;
    };
  }

  function makeEnvelope(type: string, data: unknown, opts?: PublishOptions): Envelope {
    const time = opts?.time;
    const envelope: Envelope = {
      specversion: '1.0',
      id: opts?.id ?? crypto.randomUUID(),
      source: opts?.source ?? source,
      type,
      time: time === undefined ? isoTime(clock.now()) : typeof time === 'string' ? time : time.toISOString(),
      data,
    };
    if (opts?.subject !== undefined) envelope.subject = opts.subject;
    return envelope;
  }

  /**
   * Calls the handlers of `envelope`; returns what settles once every handler that returned a
   * promise has settled (guarded handlers never reject), or `undefined` when none did.
   */
  function run(envelope: Envelope): Promise<unknown> | undefined {
    let pending: unknown[] | undefined;
    for (const listener of handlers.get(envelope.type) ?? NONE) {
      const result = listener(envelope);
      if (result) {
        pending ??= [];
        pending.push(result);
      }
    }
    if (wildcardCount > 0) {
      for (const listener of handlers.get(WILDCARD) ?? NONE) {
        const result = listener(envelope);
        if (result) {
          pending ??= [];
          pending.push(result);
        }
      }
    }
    return pending && Promise.all(pending);
  }

  // Schemas validate remote envelopes too; a rejection makes the transport dead-letter them.
  async function accept(envelope: Envelope): Promise<Envelope> {
    const schema = schemas?.[envelope.type];
    if (schema) envelope.data = await validateWith(schema, envelope.data, `invalid "${envelope.type}" event`);
    return envelope;
  }

  function assertType(type: unknown): asserts type is string {
    if (typeof type !== 'string' || !type || type === WILDCARD)
      configError('event type must be a non-empty string other than "*"');
  }

  function add(type: string, handler: AnyHandler, once: boolean): () => void {
    if (typeof handler !== 'function') configError('handler must be a function');
    if (transport && !broadcast)
      broadcast = transport.subscribe(WILDCARD, undefined, async (e) => void (await run(await accept(e))));
    let active = true;
    const unsubscribe = () => {
      if (!active) return;
      active = false;
      const rest = (handlers.get(type) ?? []).filter((h) => h !== guarded);
      if (rest.length > 0) handlers.set(type, rest);
      else handlers.delete(type);
      if (type === WILDCARD) wildcardCount--;
    };
    const guarded = guard(
      once
        ? (envelope) => {
            unsubscribe();
            return handler(envelope);
          }
        : handler,
    );
    handlers.set(type, [...(handlers.get(type) ?? []), guarded]);
    if (type === WILDCARD) wildcardCount++;
    return unsubscribe;
  }

  const bus = {
    async publish(type: string, data: unknown, opts?: PublishOptions) {
      assertType(type);
      const schema = schemas?.[type];
      const value = schema ? await validateWith(schema, data, `invalid "${type}" event`) : data;
      const envelope = makeEnvelope(type, value, opts);
      if (transport) await transport.publish(envelope);
      // Nothing more to wait for unless a handler returned a promise.
      const settled = run(envelope);
      if (settled) await settled;
      return envelope;
    },

    emit(type: string, data: unknown, opts?: PublishOptions) {
      assertType(type);
      let value = data;
      const schema = schemas?.[type];
      if (schema) {
        const checked = validateSync(schema, data, `invalid "${type}" event`);
        if ('pending' in checked) {
          checked.pending.catch(() => undefined);
          configError(`the schema of "${type}" validates asynchronously: use publish()`);
        }
        value = checked.value;
      }
      const envelope = makeEnvelope(type, value, opts);
      transport?.publish(envelope).catch((error: unknown) => reportFailure(error, envelope));
      run(envelope);
      return envelope;
    },

    subscribe(type: string, handler: Handler<Envelope>, opts?: SubscribeOptions) {
      const group = opts?.group ?? transport?.group;
      if (group === undefined) return add(type, handler as AnyHandler, false);
      if (typeof handler !== 'function' || typeof group !== 'string' || !group)
        configError('handler must be a function and group a non-empty string');
      if (transport) {
        const stop = transport.subscribe(type, group, async (envelope) => {
          await accept(envelope);
          try {
            await handler(envelope);
          } catch (error) {
            reportFailure(error, envelope);
            throw error;
          }
        });
        return () => void stop();
      }
      const key = `${group}\0${type}`;
      let entry = groups.get(key);
      if (!entry) {
        const members: AnyHandler[] = [];
        const created = { members, next: 0, off: () => {} };
        created.off = add(
          type,
          (envelope) => (members[created.next++ % members.length] as AnyHandler)(envelope),
          false,
        );
        groups.set(key, created);
        entry = created;
      }
      const { members, off } = entry;
      const member: AnyHandler = (envelope) => handler(envelope);
      members.push(member);
      return () => {
        const at = members.indexOf(member);
        if (at >= 0) members.splice(at, 1);
        if (members.length === 0 && groups.get(key) === entry) {
          groups.delete(key);
          off();
        }
      };
    },

    once(type: string, handler: Handler<Envelope>) {
      return add(type, handler as AnyHandler, true);
    },

    waitFor(type: string, opts: WaitForOptions<Envelope> = {}) {
      const { filter, timeoutMs, signal } = opts;
      return new Promise<Envelope>((resolve, reject) => {
        if (signal?.aborted) return reject(abortErrorFrom(signal));
        let timer: unknown;
        const cleanup = () => {
          unsubscribe();
          if (timer !== undefined) clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          cleanup();
          reject(abortErrorFrom(signal as AbortSignal));
        };
        const unsubscribe = add(
          type,
          (envelope) => {
            if (filter && !filter(envelope)) return;
            cleanup();
            resolve(envelope);
          },
          false,
        );
        if (timeoutMs !== undefined) {
          timer = clock.setTimeout(() => {
            cleanup();
            reject(new TimeoutError(`no "${type}" event within ${timeoutMs} ms`, { details: { timeoutMs } }));
          }, timeoutMs);
          keepAlive(timer); // awaited by the caller: the TimeoutError must arrive
        }
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },

    async close() {
      handlers.clear();
      wildcardCount = 0;
      groups.clear();
      await transport?.close();
    },

    listenerCount(type?: string) {
      let total = 0;
      for (const [name, list] of handlers) if (type === undefined || name === type) total += list.length;
      return total;
    },
  };
  return bus as unknown as Bus<E & SystemEvents>;
}
