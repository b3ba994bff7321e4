import type { Redis } from 'ioredis';
import { assertNumber, configError } from '../../internal/config.js';
import { consumerSet } from '../consumer-set.js';
import { resolveCommon, type TransportCommonOptions } from '../transport-options.js';
import type { BusTransport, Envelope } from '../types.js';
import { assertName, defaultConsumer, encodeEnvelope } from '../wire.js';
import { broadcastLoop } from './broadcast-loop.js';
import type { RedisContext } from './context.js';
import { groupLoop } from './group-loop.js';

/**
 * Options of {@link redisTransport}.
 *
 * @example
 * ```ts
 * redisTransport(redis, { stream: 'events', consumer: process.env.HOSTNAME, maxLen: 1_000_000 });
 * ```
 */
export interface RedisTransportOptions extends TransportCommonOptions {
  /** Stream key every envelope is appended to. @default 'events' */
  stream?: string;
  /**
   * This process's name inside its groups. A stable name (pod name) lets a restarted process
   * take back its own unacknowledged entries at once instead of after `claimIdleMs`.
   * @default a random name
   */
  consumer?: string;
  /**
   * Approximate cap of the stream (`XADD MAXLEN ~`); `false` keeps everything. Entries trimmed
   * before a group read them are lost, so keep it well above the largest backlog.
   * @default 100000
   */
  maxLen?: number | false;
  /** Stream the dead letters go to. @default `${stream}:dead` */
  deadLetterStream?: string;
  /** Pending entries idle this long belong to a dead consumer and are claimed. @default 30000 */
  claimIdleMs?: number;
  /** How long one blocking read waits. @default 5000 */
  blockMs?: number;
  /** Entries read (and acked) per round trip. @default 100 */
  batchSize?: number;
}

/**
 * The Redis Streams transport; `ready()` resolves once every consumer started so far is listening.
 *
 * @example
 * ```ts
 * const transport = redisTransport(redis);
 * const bus = createBus({ transport });
 * bus.subscribe('job.ready', run, { group: 'workers' });
 * await transport.ready(); // now tell the publisher to start
 * ```
 */
export interface RedisTransport extends BusTransport {
  /** Resolves once every consumer group started so far is reading. */
  ready(): Promise<void>;
}

/**
 * Carries bus envelopes over a Redis Stream: `XADD` (capped with `MAXLEN ~`), consumer groups
 * read with `XREADGROUP` and acked with `XACK` after the handler succeeded, `XAUTOCLAIM` takes
 * over the pending entries of dead consumers; broadcast subscribers follow the stream with
 * `XREAD`. `redis` is yours (it is not closed); each consumer uses a `redis.duplicate()`
 * connection for its blocking reads.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createBus } from '@wawagot/integrations/bus';
 * import { redisTransport } from '@wawagot/integrations/bus/redis';
 *
 * const bus = createBus<{ 'order.paid': { id: string } }>({ transport: redisTransport(new Redis()) });
 * bus.subscribe('order.paid', sendReceipt, { group: 'mailer' }); // one mailer process per event
 * bus.subscribe('order.paid', (e) => console.log(e.id));          // every process
 * await bus.publish('order.paid', { id: 'o_1' });
 * ```
 */
export function redisTransport(redis: Redis, options: RedisTransportOptions = {}): RedisTransport {
  if (!redis || typeof (redis as { xadd?: unknown }).xadd !== 'function' || typeof redis.duplicate !== 'function') {
    configError('redisTransport needs an ioredis client');
  }
  const common = resolveCommon(options);
  const stream = options.stream ?? 'events';
  if (typeof stream !== 'string' || stream.length === 0) configError('stream must be a non-empty string');
  const maxLen = options.maxLen ?? 100_000;
  if (maxLen !== false) assertNumber('maxLen', maxLen, { min: 1, integer: true });
  const consumer = options.consumer === undefined ? defaultConsumer() : assertName('consumer', options.consumer);
  const ctx: RedisContext = {
    ...common,
    redis,
    stream,
    consumer,
    deadStream: options.deadLetterStream ?? `${stream}:dead`,
    trim: maxLen === false ? [] : ['MAXLEN', '~', String(maxLen)],
    claimIdleMs: assertNumber('claimIdleMs', options.claimIdleMs ?? 30_000, { min: 1, integer: true }),
    blockMs: assertNumber('blockMs', options.blockMs ?? 5000, { min: 1, integer: true }),
    batchSize: assertNumber('batchSize', options.batchSize ?? 100, { min: 1, max: 10_000, integer: true }),
  };
  const consumers = consumerSet(common.logger, stream);
  const names = new Map<string, number>();
  let closed = false;

  const { origin } = common;
  const trimLen = maxLen === false ? undefined : String(maxLen);
  // Resolves with the entry id; typed void for BusTransport (callers only await it).
  const append = (json: string): Promise<void> =>
    (trimLen === undefined
      ? redis.xadd(stream, '*', 'e', json, 'o', origin)
      : redis.xadd(stream, 'MAXLEN', '~', trimLen, '*', 'e', json, 'o', origin)) as Promise<unknown> as Promise<void>;

  return {
    group: common.group,
    ready: consumers.ready,

    // Not `async`: one promise per publish (the XADD's own), failures still arrive as rejections.
    publish(envelope: Envelope): Promise<void> {
      let json: string;
      try {
        if (closed) configError('the bus transport is closed');
        json = encodeEnvelope(envelope);
      } catch (error) {
        return Promise.reject(error);
      }
      // A consumer group created by a subscription of this bus must exist before the entry.
      if (consumers.setups.size > 0) return consumers.ready().then(() => append(json));
      return append(json);
    },

    subscribe(type, group, handle) {
      if (closed) configError('the bus transport is closed');
      let loop: { started: Promise<void>; stop(): Promise<void> };
      if (group === undefined) {
        loop = broadcastLoop(ctx, handle);
      } else {
        const key = `${assertName('group', group)}:${type}`;
        // Several members of one group in this process each get their own consumer name.
        const n = (names.get(key) ?? 0) + 1;
        names.set(key, n);
        loop = groupLoop(ctx, key, group, n === 1 ? consumer : `${consumer}-${n}`, type, handle);
      }
      return consumers.add(loop, group);
    },

    async close() {
      closed = true;
      await consumers.stopAll();
    },
  };
}
