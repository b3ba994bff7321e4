/**
 * The BullMQ (Redis) driver of `@wawagot/integrations/queue`: jobs shared by many processes,
 * surviving restarts, with stalled-job recovery and a dead-letter queue per queue. Needs the
 * optional peers `bullmq` and `ioredis`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createQueue } from '@wawagot/integrations/queue';
 * import { bullmqDriver } from '@wawagot/integrations/queue/bullmq';
 * const queue = createQueue<{ ai_tasks: { prompt: string } }>({
 *   driver: bullmqDriver({ connection: new Redis({ maxRetriesPerRequest: null }) }),
 * });
 * ```
 * @module
 */
export { type BullmqDriverOptions, bullmqDriver } from './bullmq-driver.js';
