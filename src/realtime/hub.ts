import type { Envelope } from '../bus/types.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { runAuthorize } from './authorize.js';
import { makeEntry, messageJson, newEpoch, parseEventId } from './entry.js';
import { createRingBuffer, type Entry } from './ring-buffer.js';
import { handleSse } from './sse-handler.js';
import { assertTopics, compileTopics } from './topics.js';
import type { RealtimeControl, RealtimeHub, RealtimeHubOptions, Subscription } from './types.js';

/** One connected client, whatever its transport. */
export interface HubClient {
  /** Subscribed topics, by topic index. */
  topics: boolean[];
  deliver(entry: Entry, topicIndex: number): void;
  /** SSE clients get heartbeats. */
  heartbeat?(): void;
  /** The hub is closing. */
  end(): void;
}

/** What the transports get from the hub. */
export interface HubInternals {
  readonly names: readonly string[];
  indexOf(name: string): number;
  /** Resolves `lastEventId` into entries to replay, or a `reset` message. */
  replayAfter(lastEventId: string): Entry[] | RealtimeControl;
  add(client: HubClient): void;
  remove(client: HubClient): void;
  readonly closed: boolean;
}

/**
 * Creates a hub that pushes bus events to realtime clients, grouped into named topics, with a
 * replay buffer, heartbeats, bounded per-client queues and optional authorization.
 *
 * @example
 * ```ts
 * const hub = createRealtimeHub({
 *   bus,
 *   topics: { ai_progress: ['ai.*'], automation_status: ['workflow.*', 'queue.*'] },
 *   authorize: (req) => (req.headers.get('authorization') === `Bearer ${token}` ? { topics: ['ai_progress'] } : false),
 * });
 * export default { fetch: (req: Request) => hub.sse(req) }; // edge runtime
 * ```
 */
export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  if (!options || typeof options.bus?.subscribe !== 'function') configError('createRealtimeHub needs a bus');
  const table = compileTopics(options.topics ?? { all: ['*'] });
  const replay = assertNumber('replay', options.replay ?? 1000, { integer: true, max: 1_000_000 });
  // Capped at the largest timer delay: a longer one fires after 1 ms.
  const heartbeatMs = assertNumber('heartbeatMs', options.heartbeatMs ?? 15_000, { min: 1, max: 2_147_483_647 });
  const retryMs = assertNumber('retryMs', options.retryMs ?? 2000, { integer: true, max: 86_400_000 });
  const maxQueue = assertNumber('maxQueue', options.maxQueue ?? 1000, { integer: true, min: 1 });
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    configError('authorize must be a function');
  }
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  const epoch = newEpoch();
  const ring = createRingBuffer(replay);
  const clients = new Set<HubClient>();
  let heartbeatClients = 0;
  let timer: unknown;
  let seq = 0;
  let closed = false;

  function tick(): void {
    timer = undefined;
    for (const client of clients) client.heartbeat?.();
    schedule();
  }
  function schedule(): void {
    if (timer === undefined && heartbeatClients > 0 && !closed) timer = clock.setTimeout(tick, heartbeatMs);
  }

  function onEnvelope(envelope: Envelope): void {
    const topics = table.match(envelope.type);
    if (topics.length === 0) return;
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(envelope.data ?? null);
    } catch (error) {
      dataJson = undefined;
      logger?.warn({ type: envelope.type, error: errorInfo(error) }, 'realtime: event data is not serialisable');
    }
    if (dataJson === undefined) return;
    const entry = makeEntry(epoch, ++seq, envelope, topics, dataJson);
    ring.push(entry);
    for (const client of clients) {
      for (const t of topics) {
        if (client.topics[t]) {
          client.deliver(entry, t);
          break;
        }
      }
    }
  }
  const unsubscribeBus = options.bus.subscribe('*', onEnvelope);

  const internals: HubInternals = {
    names: table.names,
    indexOf: table.indexOf,
    replayAfter(lastEventId) {
      const parsed = parseEventId(lastEventId);
      const current = `${epoch}-${seq}`;
      if (!parsed || parsed.epoch !== epoch || parsed.seq > seq) {
        return { type: 'reset', reason: 'unknown_id', lastEventId: current };
      }
      return ring.since(parsed.seq, seq) ?? { type: 'reset', reason: 'too_old', lastEventId: current };
    },
    add(client) {
      clients.add(client);
      if (client.heartbeat) {
        heartbeatClients++;
        schedule();
      }
    },
    remove(client) {
      if (!clients.delete(client)) return;
      if (client.heartbeat && --heartbeatClients === 0 && timer !== undefined) {
        clock.clearTimeout(timer);
        timer = undefined;
      }
    },
    get closed() {
      return closed;
    },
  };

  function subscribe(opts: Parameters<RealtimeHub['subscribe']>[0]): Subscription {
    if (
      !Array.isArray(opts?.topics) ||
      typeof opts.onMessage !== 'function' ||
      (opts.onControl !== undefined && typeof opts.onControl !== 'function') ||
      (opts.onClose !== undefined && typeof opts.onClose !== 'function')
    ) {
      configError('subscribe needs { topics: string[], onMessage, onControl?, onClose? } with functions');
    }
    assertTopics(table, opts.topics, 'subscribe()');
    let active = true;
    const client: HubClient = {
      topics: new Array(table.names.length).fill(false),
      deliver(entry, t) {
        const topic = table.names[t] as string;
        const message = { id: entry.id, topic, type: entry.type, data: entry.data, time: entry.time };
        try {
          opts.onMessage(message, messageJson(entry, t, topic));
        } catch (error) {
          // One broken consumer must not stop the fan-out to the clients after it.
          logger?.warn({ topic, id: entry.id, error: errorInfo(error) }, 'realtime: onMessage threw');
        }
      },
      end() {
        active = false;
        try {
          opts.onClose?.();
        } catch (error) {
          logger?.warn({ error: errorInfo(error) }, 'realtime: onClose threw');
        }
      },
    };
    const subscription: Subscription = {
      add(topics, lastEventId) {
        assertTopics(table, topics, 'add()');
        if (lastEventId !== undefined && typeof lastEventId !== 'string')
          configError('add(): lastEventId must be a string');
        if (!active) return [];
        const added: number[] = [];
        for (const name of topics) {
          const t = table.indexOf(name);
          if (t >= 0 && !client.topics[t]) {
            client.topics[t] = true;
            added.push(t);
          }
        }
        if (lastEventId !== undefined && lastEventId !== '' && added.length > 0) {
          const result = internals.replayAfter(lastEventId);
          if (!Array.isArray(result)) opts.onControl?.(result);
          else {
            for (const entry of result) {
              const t = entry.topics.find((i) => added.includes(i));
              if (t !== undefined) client.deliver(entry, t);
            }
          }
        }
        return added.map((t) => table.names[t] as string);
      },
      remove(topics) {
        // Unknown names are ignored: a WebSocket client may ask to leave anything.
        if (!Array.isArray(topics)) configError('remove(): topics must be an array');
        for (const name of topics) {
          const t = table.indexOf(name);
          if (t >= 0) client.topics[t] = false;
        }
      },
      get topics() {
        return table.names.filter((_, t) => client.topics[t]);
      },
      close() {
        active = false;
        internals.remove(client);
      },
    };
    if (closed) {
      active = false;
      return subscription;
    }
    internals.add(client);
    subscription.add(opts.topics, opts.lastEventId);
    return subscription;
  }

  return {
    sse: (request, sseOptions) =>
      handleSse(request, sseOptions, { internals, authorize, maxQueue, retryMs, logger, table }),
    authorize,
    subscribe,
    get topics() {
      return table.names;
    },
    get subscriberCount() {
      return clients.size;
    },
    get closed() {
      return closed;
    },
    get lastEventId() {
      return seq === 0 ? undefined : `${epoch}-${seq}`;
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribeBus();
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      for (const client of [...clients]) {
        internals.remove(client);
        client.end();
      }
      ring.clear();
    },
  };

  async function authorize(request: Request): Promise<string[] | null> {
    if (!options.authorize) return [...table.names];
    return runAuthorize(options.authorize, request, table.names, logger, 'request');
  }
}
