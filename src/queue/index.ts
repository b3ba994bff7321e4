/**
 * Typed job queues with retries, backoff, time limits, dead letters and `jobId`
 * de-duplication, over a pluggable {@link QueueDriver}: `memoryDriver()` here (one process),
 * `bullmqDriver()` from `@wawagot/integrations/queue/bullmq` (Redis, many processes).
 *
 * @example
 * ```ts
 * import { createQueue, memoryDriver } from '@wawagot/integrations/queue';
 * const queue = createQueue<{ knowledge_updates: { docId: string } }>({ driver: memoryDriver() });
 * await queue.process('knowledge_updates', async ({ payload }) => reindex(payload.docId));
 * await queue.send('knowledge_updates', { docId: 'd_1' }, { jobId: 'd_1' });
 * ```
 * @module
 */
export { createQueue } from './create-queue.js';
export { deadLetterError } from './dead-letter-error.js';
export type {
  AddedJob,
  DeadLetter,
  DeadLetterError,
  DriverJob,
  DriverProcessOptions,
  DriverRun,
  QueueCounts,
  QueueDriver,
  QueueRateLimit,
} from './driver.js';
export { type MemoryDriverOptions, memoryDriver } from './memory-driver.js';
export type {
  Job,
  JobOptions,
  ProcessOptions,
  Queue,
  QueueMap,
  QueueOptions,
  SendOptions,
  SendResult,
} from './types.js';
