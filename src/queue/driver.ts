import type { Backoff } from '../policies/backoff.js';
import type { Clock } from '../types.js';

/** A job as the core hands it to a driver: validated, serialisable, with its retry settings. */
export interface DriverJob {
  /**
   * The caller's `jobId` (a de-duplication key). Absent when the caller gave none: the driver
   * assigns an id (BullMQ its counter, which keeps keys short; memory a UUID).
   */
  id?: string;
  /** The queue's name. */
  name: string;
  /** The payload, already checked to be JSON-serialisable. */
  payload: unknown;
  /** `JSON.stringify(payload)`, for drivers that keep a snapshot rather than the live object. */
  json: string;
  /** Total tries, first one included (>= 1). */
  attempts: number;
  /** Wait between tries. */
  backoff: Backoff;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** 1 runs first; jobs without a priority run before prioritised ones (BullMQ's rule). */
  priority?: number;
  /** Per-try time limit in ms, enforced by the core. */
  timeoutMs?: number;
}

/** What a driver reports for each job it was given, in order. */
export interface AddedJob {
  /** The job's id: the caller's `jobId`, or the one the driver assigned. */
  id: string;
  /**
   * False when the driver already held a job with this `jobId` (waiting, delayed, active or
   * retained after finishing) and so stored nothing.
   */
  enqueued: boolean;
}

/** What a driver passes to the core's handler for one try. */
export interface DriverRun {
  id: string;
  name: string;
  payload: unknown;
  /** 1-based number of this try. */
  attempt: number;
  /** Total tries allowed. */
  attempts: number;
  /** Per-try time limit in ms, if any. */
  timeoutMs?: number | undefined;
  /** Aborted by the driver when it is closed with `drain: false`. */
  signal: AbortSignal;
}

/** The error kept with a dead letter: enough to debug, nothing more. */
export interface DeadLetterError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** A job that spent all its attempts. */
export interface DeadLetter<P = unknown> {
  id: string;
  /** The queue it came from. */
  queue: string;
  payload: P;
  /** Tries made. */
  attempts: number;
  /** The last try's error. */
  error: DeadLetterError;
  /** When it was dead-lettered (ms since epoch). */
  failedAt: number;
}

/** Jobs by state. `failed` counts jobs that exhausted their attempts and are still retained. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  dead: number;
}

/** Token-bucket style limit on how many jobs start per interval. */
export interface QueueRateLimit {
  /** Jobs allowed to start per `durationMs`. */
  max: number;
  /** Interval length in ms. */
  durationMs: number;
}

/** What the core asks of a driver when a processor starts. */
export interface DriverProcessOptions {
  /** Jobs run at the same time by this process. */
  concurrency: number;
  rateLimit?: QueueRateLimit | undefined;
  /** Called once a job has been moved to the dead-letter list. */
  onDeadLettered(letter: DeadLetter): void;
  /** Called with backend errors the driver survives (a dropped connection, a failed retry). */
  onError?(error: unknown): void;
}

/**
 * The contract every queue backend implements; `createQueue` adds schemas, timeouts, events and
 * logging on top. The driver owns storage, scheduling, retries with backoff and dead letters.
 * A try fails when `handler` rejects: the driver retries it after `backoffDelay(backoff,
 * attempt)` while `attempt < attempts`, and dead-letters it otherwise.
 *
 * @example
 * ```ts
 * const driver: QueueDriver = memoryDriver();
 * const [added] = await driver.add([{ id: 'j1', name: 'ai_tasks', payload: {}, json: '{}', attempts: 1, backoff: constant(0) }]);
 * added; // { id: 'j1', enqueued: true }
 * ```
 */
export interface QueueDriver {
  /** Driver name, for logs (`'memory'`, `'bullmq'`). */
  readonly kind: string;
  /**
   * Enqueues jobs atomically where the backend allows and reports, per job and in order, its id
   * and whether it was enqueued: a job whose `id` the driver still holds is not stored twice. A
   * driver that stores in-process may report synchronously (and throw instead of rejecting).
   */
  add(jobs: DriverJob[]): AddedJob[] | Promise<AddedJob[]>;
  /** Starts consuming `queue` with `handler`; at most one processor per queue and driver. */
  process(queue: string, handler: (run: DriverRun) => Promise<void>, options: DriverProcessOptions): Promise<void>;
  /** Oldest dead letters first, at most `limit`. */
  deadLetters(queue: string, limit: number): Promise<DeadLetter[]>;
  /** Moves a dead letter back to waiting with fresh attempts; throws `NotFoundError` if absent. */
  retryDeadLetter(queue: string, jobId: string): Promise<void>;
  /** How many jobs of `queue` are waiting, active, delayed, completed, failed and dead. */
  counts(queue: string): Promise<QueueCounts>;
  /** Stops handing out new jobs of `queue` (active ones finish). */
  pause(queue: string): Promise<void>;
  /** Hands out jobs of a paused `queue` again. */
  resume(queue: string): Promise<void>;
  /** Stops taking new jobs; waits for active ones when `drain`, aborts them otherwise. */
  close(options: { drain: boolean }): Promise<void>;
  /**
   * Called by `createQueue` with its `clock` option, before any job is added. A driver that
   * times delays, backoff waits and rate-limit windows in-process (`memoryDriver`) runs them on
   * it; a driver whose timers live in its backend (BullMQ, in Redis) leaves this out.
   */
  adoptClock?(clock: Clock): void;
}
