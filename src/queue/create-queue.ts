import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AbortError } from '../errors/abort-error.js';
import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, assertObject, configError } from '../internal/config.js';
import { errorInfo, redactMessage } from '../internal/error-info.js';
import { toJson } from '../internal/json.js';
import { validateWith } from '../internal/schema.js';
import type { AddedJob, DeadLetter, DriverJob } from './driver.js';
import {
  assertQueueName,
  BASE_JOB_OPTIONS,
  type ResolvedSendOptions,
  resolveJobOptions,
  resolveProcessOptions,
  resolveSendOptions,
} from './options.js';
import { wrapHandler } from './run-handler.js';
import type { Job, Queue, QueueMap, QueueOptions, SendOptions, SendResult } from './types.js';

const DRIVER_METHODS = ['add', 'process', 'deadLetters', 'retryDeadLetter', 'counts', 'pause', 'resume', 'close'];

/**
 * Creates a typed set of queues over a driver. Payloads are validated (schema, then JSON) before
 * anything is enqueued; handlers are retried with backoff, time-limited, and dead-lettered
 * once their attempts are spent. Delivery is at-least-once: make handlers idempotent.
 *
 * @example
 * ```ts
 * import { createQueue, memoryDriver } from '@wawagot/integrations/queue';
 * import { exponential } from '@wawagot/integrations/policies';
 *
 * const queue = createQueue<{ ai_tasks: { prompt: string } }>({
 *   driver: memoryDriver(),
 *   defaultJob: { attempts: 3, backoff: exponential({ initial: 500 }), timeoutMs: 30_000 },
 * });
 * await queue.process('ai_tasks', async (job) => console.log(job.payload.prompt), { concurrency: 4 });
 * await queue.send('ai_tasks', { prompt: 'Summarise the call' });
 * ```
 */
export function createQueue<Q extends QueueMap>(options: QueueOptions<Q>): Queue<Q> {
  assertObject('createQueue options', options);
  const { driver, bus, logger } = options;
  if (
    driver === null ||
    typeof driver !== 'object' ||
    DRIVER_METHODS.some((m) => typeof (driver as unknown as Record<string, unknown>)[m] !== 'function')
  ) {
    configError('createQueue: driver must be a QueueDriver such as memoryDriver() or bullmqDriver({ connection })');
  }
  assertMethods('createQueue: bus', bus, ['emit']);
  assertMethods('createQueue: logger', logger, ['debug', 'warn', 'error']);
  assertMethods('createQueue: clock', options.clock, ['now', 'setTimeout', 'clearTimeout']);
  const clock = options.clock ?? systemClock;
  const defaults = resolveJobOptions(options.defaultJob, BASE_JOB_OPTIONS, 'defaultJob');
  if (options.schemas !== undefined) assertObject('schemas', options.schemas);
  // Own entries only: a queue named `constructor` or `toString` has no schema unless given one.
  const schemas: Record<string, StandardSchemaV1 | undefined> = Object.assign(Object.create(null), options.schemas);
  for (const [name, schema] of Object.entries(schemas)) {
    if (schema !== undefined && (typeof schema !== 'object' || schema === null || !('~standard' in schema))) {
      configError(`schemas.${name} must be a Standard Schema (zod, valibot, arktype, ...)`);
    }
  }
  // Delays and backoff waits of an in-process driver run on the queue's clock too.
  if (options.clock !== undefined) driver.adoptClock?.(options.clock);
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new AbortError('the queue is closed');
  }

  const plainSend = resolveSendOptions(undefined, defaults);

  /** Checks everything about a job; the schema check is the only asynchronous part. */
  function prepare(
    queue: string,
    payload: unknown,
    sendOptions: SendOptions | undefined,
  ): DriverJob | Promise<DriverJob> {
    assertKnownName(queue);
    const o = sendOptions === undefined ? plainSend : resolveSendOptions(sendOptions, defaults);
    const schema = schemas[queue];
    if (schema) {
      return validateWith(schema, payload, `queue ${queue} payload`, { queue }).then(() => build(queue, payload, o));
    }
    return build(queue, payload, o);
  }

  function build(queue: string, payload: unknown, o: ResolvedSendOptions): DriverJob {
    const json = toJson(payload, `queue ${queue} payload`);
    const job: DriverJob = { name: queue, payload, json, attempts: o.attempts, backoff: o.backoff };
    // Without a jobId the driver picks the id (BullMQ's counter keeps its keys short).
    if (o.jobId !== undefined) job.id = o.jobId;
    if (o.delayMs !== undefined) job.delayMs = o.delayMs;
    if (o.priority !== undefined) job.priority = o.priority;
    if (o.timeoutMs !== undefined) job.timeoutMs = o.timeoutMs;
    return job;
  }

  /** Publishes `queue.enqueued` for a job the driver stored (a de-duplicated send stored nothing). */
  function announce(job: DriverJob, added: AddedJob | undefined): SendResult {
    if (!added) throw new Error(`queue driver ${driver.kind} reported fewer jobs than it was given`);
    if (added.enqueued && (bus || logger)) {
      const data: { queue: string; jobId: string; delayMs?: number } = { queue: job.name, jobId: added.id };
      if (job.delayMs !== undefined) data.delayMs = job.delayMs;
      bus?.emit('queue.enqueued', data);
      logger?.debug(data, 'queue job enqueued');
    }
    return added;
  }

  async function enqueue(jobs: DriverJob[]): Promise<SendResult[]> {
    assertOpen();
    const pending = driver.add(jobs);
    // Announced in the same tick as an in-process add, before any of these jobs can run.
    const added = Array.isArray(pending) ? pending : await pending;
    return jobs.map((job, i) => announce(job, added[i]));
  }

  function sendNow(job: DriverJob): Promise<SendResult> {
    const added = driver.add([job]);
    // An in-process driver answers at once: no extra promise per job.
    return Array.isArray(added)
      ? Promise.resolve(announce(job, added[0]))
      : added.then((stored) => announce(job, stored[0]));
  }

  async function sendLater(prepared: Promise<DriverJob>): Promise<SendResult> {
    const job = await prepared;
    assertOpen();
    return sendNow(job);
  }

  const known = new Set<string>();
  function assertKnownName(queue: string): void {
    // Names are few: check each once, then skip the regex on the hot path.
    if (!known.has(queue)) {
      assertQueueName(queue);
      known.add(queue);
    }
  }

  return {
    send(queue, payload, sendOptions) {
      try {
        assertOpen();
        const prepared = prepare(queue, payload, sendOptions);
        // Without a schema nothing is awaited before the driver gets the job.
        return prepared instanceof Promise ? sendLater(prepared) : sendNow(prepared);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async sendMany(queue, jobs) {
      assertOpen();
      if (!Array.isArray(jobs)) configError('sendMany: jobs must be an array of { payload, options? }');
      const prepared: DriverJob[] = [];
      for (const entry of jobs) {
        const job = prepare(queue, entry?.payload, entry?.options);
        prepared.push(job instanceof Promise ? await job : job);
      }
      if (prepared.length === 0) return [];
      return enqueue(prepared);
    },

    async process(queue, handler, processOptions) {
      assertOpen();
      assertQueueName(queue);
      if (typeof handler !== 'function') configError('process: handler must be a function');
      const { concurrency, rateLimit } = resolveProcessOptions(processOptions);
      const run = wrapHandler({
        queue,
        handler: handler as (job: Job<unknown>) => unknown,
        schema: schemas[queue],
        bus,
        logger,
        clock,
      });
      await driver.process(queue, run, {
        concurrency,
        rateLimit,
        onError(error: unknown) {
          logger?.error({ queue, error: errorInfo(error) }, 'queue driver error');
        },
        onDeadLettered(letter: DeadLetter) {
          // The letter keeps the raw message for debugging; events and logs get it redacted.
          const error = { name: letter.error.name, message: redactMessage(letter.error.message) } as {
            name: string;
            message: string;
            code?: string;
          };
          if (letter.error.code !== undefined) error.code = letter.error.code;
          bus?.emit('queue.dead_lettered', { queue, jobId: letter.id, attempts: letter.attempts, error });
          logger?.error({ queue, jobId: letter.id, attempts: letter.attempts, error }, 'queue job dead-lettered');
        },
      });
    },

    async deadLetters(queue, listOptions) {
      assertQueueName(queue);
      const limit = assertNumber('deadLetters options.limit', listOptions?.limit ?? 100, {
        min: 1,
        max: 10_000,
        integer: true,
      });
      return (await driver.deadLetters(queue, limit)) as Array<DeadLetter<Q[typeof queue]>>;
    },

    async retryDeadLetter(queue, jobId) {
      assertOpen();
      assertQueueName(queue);
      if (typeof jobId !== 'string' || jobId.length === 0) configError('retryDeadLetter: jobId must be a string');
      await driver.retryDeadLetter(queue, jobId);
    },

    counts: (queue) => driver.counts(assertQueueName(queue)),
    pause: (queue) => driver.pause(assertQueueName(queue)),
    resume: (queue) => driver.resume(assertQueueName(queue)),

    close(closeOptions) {
      if (!closing) closing = driver.close({ drain: closeOptions?.drain !== false });
      return closing;
    },
  };
}
