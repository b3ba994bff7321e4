/**
 * Redis Streams transport of the event bus: carries envelopes between processes, with
 * consumer groups for work-sharing, at-least-once delivery and dead letters.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createBus } from '@wawagot/integrations/bus';
 * import { redisTransport } from '@wawagot/integrations/bus/redis';
 * const bus = createBus({ transport: redisTransport(new Redis(), { stream: 'events' }) });
 * ```
 * @module
 */
export type { TransportCommonOptions } from '../transport-options.js';
export { type RedisTransport, type RedisTransportOptions, redisTransport } from './redis-transport.js';
