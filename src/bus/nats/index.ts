/**
 * NATS JetStream transport of the event bus: carries envelopes between processes, with
 * durable consumers for work-sharing, explicit acks, de-duplicated publishes and dead letters.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { createBus } from '@wawagot/integrations/bus';
 * import { natsTransport } from '@wawagot/integrations/bus/nats';
 * const nc = await connect({ servers: '127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const bus = createBus({ transport: natsTransport(nc, { stream: 'EVENTS' }) });
 * ```
 * @module
 */
export type { TransportCommonOptions } from '../transport-options.js';
export { type NatsTransport, type NatsTransportOptions, natsTransport } from './nats-transport.js';
