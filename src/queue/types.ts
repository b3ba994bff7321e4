import type { EventSink } from '../bus/types.js';
import type { Backoff } from '../policies/backoff.js';
import type { Clock, Logger, StandardSchemaV1 } from '../types.js';
import type { DeadLetter, QueueCounts, QueueDriver, QueueRateLimit } from './driver.js';

/** A map of queue name to payload type, e.g. `{ ai_tasks: { prompt: string } }`. */
export type QueueMap = Record<string, unknown>;

/** Retry settings of a job; `defaultJob` sets them for every job, `send` per job. */
export interface JobOptions {
  /** Total tries, first one included. @default 1 */
  attempts?: number;
  /** Wait between tries: `constant(ms)` or `exponential({...})`. @default constant(0) */
  backoff?: Backoff;
  /** Per-try time limit: the job's `signal` aborts and the try counts as failed. @default none */
  timeoutMs?: number;
}

/** Options of `send` and `sendMany`. */
export interface SendOptions extends JobOptions {
  /** Run no earlier than this many ms from now. @default 0 */
  delayMs?: number;
  /** 1 (first) to 2,097,152 (last); jobs without one run before prioritised jobs. */
  priority?: number;
  /**
   * De-duplication key: a second `send` with an id the queue still holds enqueues nothing (it
   * resolves `{ id, enqueued: false }` and publishes no `queue.enqueued`). Without one, the
   * driver assigns the id.
   */
  jobId?: string;
}

/**
 * What `send` resolves (and `sendMany` per job): the job's id, and whether this call enqueued
 * it. `enqueued` is false when the `jobId` was already held (a de-duplicated send): `id` is
 * then the held job's id and nothing new will run.
 *
 * @example
 * ```ts
 * const first = await queue.send('voice_tasks', { callId: 'c_1' }, { jobId: 'call-c_1' }); // { id: 'call-c_1', enqueued: true }
 * const again = await queue.send('voice_tasks', { callId: 'c_1' }, { jobId: 'call-c_1' }); // { id: 'call-c_1', enqueued: false }
 * ```
 */
export interface SendResult {
  id: string;
  enqueued: boolean;
}

/** What a handler receives for one try of a job. */
export interface Job<P> {
  id: string;
  /** The queue's name. */
  name: string;
  payload: P;
  /** 1 for the first try. */
  attempt: number;
  /** Aborted on timeout and when the queue closes with `drain: false`. */
  signal: AbortSignal;
}

/** Options of `process`. */
export interface ProcessOptions {
  /** Jobs of this queue run at the same time in this process. @default 1 */
  concurrency?: number;
  /** At most `max` job starts per `durationMs`. */
  rateLimit?: QueueRateLimit;
}

/** Options of `createQueue`. */
export interface QueueOptions<Q extends QueueMap> {
  /** Backend: `memoryDriver()` (one process) or `bullmqDriver({ connection })` (Redis). */
  driver: QueueDriver;
  /** Receives `queue.enqueued`, `queue.completed`, `queue.failed`, `queue.dead_lettered`. */
  bus?: EventSink;
  logger?: Logger;
  /**
   * Measures handler durations and time limits. It is also handed to the driver
   * (`QueueDriver.adoptClock`): `memoryDriver` then runs delays, backoff waits and rate-limit
   * windows on it, so a test clock from `@wawagot/integrations/testing` drives them.
   * @default systemClock
   */
  clock?: Clock;
  /** Standard Schemas per queue: `send` validates before enqueueing, `process` before handling. */
  schemas?: { [K in keyof Q]?: StandardSchemaV1<unknown, Q[K]> };
  /** Retry settings for jobs that do not set their own. */
  defaultJob?: JobOptions;
}

/**
 * A typed set of queues over one driver, as returned by `createQueue`.
 *
 * @example
 * ```ts
 * const queue: Queue<{ voice_tasks: { callId: string } }> = createQueue({ driver: memoryDriver() });
 * await queue.send('voice_tasks', { callId: 'c_1' }, { jobId: 'c_1', attempts: 3 });
 * ```
 */
export interface Queue<Q extends QueueMap> {
  /**
   * Validates and enqueues one job; resolves once the driver has stored it, with `enqueued:
   * false` when its `jobId` was already held (then nothing is stored and no event published).
   */
  send<K extends keyof Q & string>(queue: K, payload: Q[K], options?: SendOptions): Promise<SendResult>;
  /** Validates every payload first, then enqueues all of them (nothing when one is invalid). */
  sendMany<K extends keyof Q & string>(
    queue: K,
    jobs: ReadonlyArray<{ payload: Q[K]; options?: SendOptions }>,
  ): Promise<SendResult[]>;
  /** Starts consuming `queue`. A throwing handler is retried, then dead-lettered. */
  process<K extends keyof Q & string>(
    queue: K,
    handler: (job: Job<Q[K]>) => unknown,
    options?: ProcessOptions,
  ): Promise<void>;
  /** Oldest dead letters first. @default limit 100 */
  deadLetters<K extends keyof Q & string>(queue: K, options?: { limit?: number }): Promise<Array<DeadLetter<Q[K]>>>;
  /** Puts a dead letter back on its queue with fresh attempts; `NotFoundError` when unknown. */
  retryDeadLetter(queue: keyof Q & string, jobId: string): Promise<void>;
  /** How many jobs of `queue` are waiting, active, delayed, completed, failed and dead. */
  counts(queue: keyof Q & string): Promise<QueueCounts>;
  /** Stops handing out new jobs of `queue`; active ones finish. */
  pause(queue: keyof Q & string): Promise<void>;
  /** Hands out jobs of a paused `queue` again. */
  resume(queue: keyof Q & string): Promise<void>;
  /** Stops taking jobs; waits for active ones unless `drain: false` (then aborts their signals). */
  close(options?: { drain?: boolean }): Promise<void>;
}
