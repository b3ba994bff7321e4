import type { NatsConnection } from 'nats';
import { assertNumber, configError } from '../../internal/config.js';
import { sleep } from '../../internal/sleep.js';
import { consumerSet } from '../consumer-set.js';
import { resolveCommon, type TransportCommonOptions } from '../transport-options.js';
import type { BusTransport, Envelope } from '../types.js';
import { assertName, encodeEnvelope } from '../wire.js';
import { natsBroadcast, natsGroup } from './consumers.js';
import { ensureStreams, type NatsContext, publishWithRetry, subjectOf } from './context.js';

/**
 * Options of {@link natsTransport}.
 *
 * @example
 * ```ts
 * natsTransport(nc, { stream: 'EVENTS', subjectPrefix: 'events', durable: 'billing', ackWaitMs: 60_000 });
 * ```
 */
export interface NatsTransportOptions extends TransportCommonOptions {
  /** JetStream stream holding the envelopes (created when missing). @default 'EVENTS' */
  stream?: string;
  /** Envelopes are published on `${subjectPrefix}.${type}`. @default 'events' */
  subjectPrefix?: string;
  /** Same as `group`: the durable consumer (group) of subscriptions that name none. */
  durable?: string;
  /** Stream of dead letters, on `${subjectPrefix}_dead.${type}` (created when missing). @default `${stream}_DEAD` */
  deadLetterStream?: string;
  /** A delivery not acked in this time goes to another member (its consumer died). @default 30000 */
  ackWaitMs?: number;
  /** Messages a consumer holds at once. @default 100 */
  batchSize?: number;
  /**
   * How long `publish` keeps retrying (same `Nats-Msg-Id`, so never twice stored) while the
   * server is unreachable before it rejects.
   * @default 10000
   */
  publishTimeoutMs?: number;
  /** Creates the streams when missing (file storage). @default true */
  createStreams?: boolean;
}

/**
 * The NATS JetStream transport; `ready()` resolves once every consumer started so far is listening.
 *
 * @example
 * ```ts
 * const transport = natsTransport(nc);
 * const bus = createBus({ transport });
 * bus.subscribe('job.ready', run, { group: 'workers' });
 * await transport.ready();
 * ```
 */
export interface NatsTransport extends BusTransport {
  /** Resolves once every consumer started so far is listening. */
  ready(): Promise<void>;
}

/**
 * Carries bus envelopes over NATS JetStream: published on `${subjectPrefix}.${type}` with
 * `Nats-Msg-Id` = envelope id (the server drops duplicates of a retried publish), groups are
 * durable pull consumers with explicit acks (`nak` with backoff on failure, dead letters after
 * `maxAttempts`), broadcast subscribers use an ordered consumer. `nc` is yours (not closed);
 * give it `maxReconnectAttempts: -1` so it survives server restarts.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { createBus } from '@wawagot/integrations/bus';
 * import { natsTransport } from '@wawagot/integrations/bus/nats';
 *
 * const nc = await connect({ servers: '127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const bus = createBus<{ 'order.paid': { id: string } }>({ transport: natsTransport(nc) });
 * bus.subscribe('order.paid', sendReceipt, { group: 'mailer' });
 * await bus.publish('order.paid', { id: 'o_1' });
 * ```
 */
export function natsTransport(nc: NatsConnection, options: NatsTransportOptions = {}): NatsTransport {
  if (!nc || typeof (nc as { jetstream?: unknown }).jetstream !== 'function') {
    configError('natsTransport needs a nats.js connection');
  }
  if (options.durable !== undefined && options.group !== undefined && options.durable !== options.group) {
    configError('durable and group are the same option: give one');
  }
  const common = resolveCommon({ ...options, group: options.group ?? options.durable });
  const stream = assertName('stream', options.stream ?? 'EVENTS');
  const prefix = options.subjectPrefix ?? 'events';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    configError('subjectPrefix must be dot-separated letters, digits, "_" or "-"');
  }
  const ctx: NatsContext = {
    ...common,
    nc,
    js: nc.jetstream(),
    stream,
    prefix,
    deadStream: assertName('deadLetterStream', options.deadLetterStream ?? `${stream}_DEAD`),
    deadPrefix: `${prefix}_dead`,
    ackWaitMs: assertNumber('ackWaitMs', options.ackWaitMs ?? 30_000, { min: 100, integer: true }),
    batchSize: assertNumber('batchSize', options.batchSize ?? 100, { min: 1, max: 10_000, integer: true }),
    publishTimeoutMs: assertNumber('publishTimeoutMs', options.publishTimeoutMs ?? 10_000, { min: 1, integer: true }),
  };
  const consumers = consumerSet(common.logger, stream);
  let closed = false;
  let streams: Promise<void> | undefined;

  let streamsReady = false;
  const ensure = () => {
    if (!streams) {
      streams = options.createStreams === false ? Promise.resolve() : ensureStreams(ctx);
      streams.then(
        () => {
          streamsReady = true;
        },
        () => {
          streams = undefined; // try again next time
        },
      );
      consumers.track(streams);
    }
    return streams;
  };
  // The subject of the last type published (one regex check per type change, not per event).
  let lastType: string | undefined;
  let lastSubject = '';
  const assertOpen = () => {
    if (closed) configError('the bus transport is closed');
  };

  return {
    group: common.group,
    ready: consumers.ready,

    // Not `async`: once the streams exist and no consumer is starting, one promise per publish
    // (the JetStream publish's own); failures still arrive as rejections.
    publish(envelope: Envelope): Promise<void> {
      let subject: string;
      let json: string;
      try {
        assertOpen();
        if (envelope.type !== lastType) {
          lastSubject = subjectOf(ctx.prefix, envelope.type);
          lastType = envelope.type;
        }
        subject = lastSubject;
        json = encodeEnvelope(envelope);
      } catch (error) {
        return Promise.reject(error);
      }
      if (streamsReady && consumers.setups.size === 0) return publishWithRetry(ctx, subject, json, envelope.id);
      return (async () => {
        await ensure();
        if (consumers.setups.size > 0) await consumers.ready();
        await publishWithRetry(ctx, subject, json, envelope.id);
      })();
    },

    subscribe(type, group, handle) {
      assertOpen();
      const filter = type === '*' ? `${prefix}.>` : subjectOf(prefix, type);
      const loop =
        group === undefined
          ? natsBroadcast(ctx, ensure, filter, handle)
          : natsGroup(ctx, ensure, assertName('group', group), type, filter, handle);
      return consumers.add(loop, group);
    },

    async close() {
      closed = true;
      await consumers.stopAll();
      // Acks are fire-and-forget publishes: make sure the server has them (if it answers soon;
      // unacked messages are redelivered anyway).
      if (!nc.isClosed()) {
        await Promise.race([nc.flush().catch(() => undefined), sleep(5000, undefined, common.clock)]);
      }
    },
  };
}
