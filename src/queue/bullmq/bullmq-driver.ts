import { type Job as BullJob, type ConnectionOptions, Queue, Worker } from 'bullmq';
import { AbortError } from '../../errors/abort-error.js';
import { assertNumber, configError } from '../../internal/config.js';
import { errorInfo } from '../../internal/error-info.js';
import type { Logger } from '../../types.js';
import type { AddedJob, DriverJob, DriverProcessOptions, DriverRun, QueueCounts, QueueDriver } from '../driver.js';
import { Run, RunSignals } from '../run-signals.js';
import { deadQueueName, listDeadLetters, putDeadLetter, retryDeadLetter } from './dead-letters.js';
import { backoffStrategy, type Retention, type StoredData, toBullJob } from './job-data.js';

/** Options of {@link bullmqDriver}. */
export interface BullmqDriverOptions {
  /** An ioredis instance (created with `maxRetriesPerRequest: null`) or ioredis options. */
  connection: ConnectionOptions;
  /** Redis key prefix of every queue. @default 'bull' */
  prefix?: string;
  /**
   * Completed jobs kept per queue (for `jobId` de-duplication and counts). Jobs sent without a
   * `jobId` get BullMQ's own ids (`'1'`, `'2'`, ...). @default 1000
   */
  keepCompleted?: number;
  /** Jobs that exhausted their attempts kept in the main queue. @default 1000 */
  keepFailed?: number;
  /** How long a worker's lock on an active job lasts; renewed at half. @default 30000 */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (their worker died). @default 30000 */
  stalledIntervalMs?: number;
  /** Times a job may stall before it is failed and dead-lettered. @default 1 */
  maxStalledCount?: number;
  /** Receives queue, worker and connection errors (worker errors also reach `createQueue`'s logger). */
  logger?: Logger;
}

interface Lane {
  queue: Queue;
  dlq: Queue;
  worker: Worker | undefined;
}

/**
 * A Redis queue driver on BullMQ: one BullMQ `Queue` (and, once processed, one `Worker`) per
 * queue name, attempts and backoff mapped to BullMQ's, dead letters in a dedicated
 * `<name>.dead` queue so they survive restarts, and stalled-job recovery so the jobs of a
 * crashed worker are picked up by another.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { bullmqDriver } from '@wawagot/integrations/queue/bullmq';
 * const driver = bullmqDriver({ connection: new Redis({ maxRetriesPerRequest: null }) });
 * const queue = createQueue<{ automation_tasks: { flowId: string } }>({ driver });
 * ```
 */
export function bullmqDriver(options: BullmqDriverOptions): QueueDriver {
  if (
    options === null ||
    typeof options !== 'object' ||
    !options.connection ||
    typeof options.connection !== 'object'
  ) {
    configError('bullmqDriver: connection (an ioredis instance or ioredis options) is required');
  }
  const { connection, logger } = options;
  const prefix = options.prefix ?? 'bull';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 128) {
    configError('bullmqDriver: prefix must be a non-empty string');
  }
  const retention: Retention = {
    removeOnComplete: {
      count: assertNumber('bullmqDriver.keepCompleted', options.keepCompleted ?? 1000, { integer: true }),
    },
    removeOnFail: { count: assertNumber('bullmqDriver.keepFailed', options.keepFailed ?? 1000, { integer: true }) },
  };
  // Capped at the largest timer delay: a longer one fires after 1 ms (a stalled-check storm).
  const lockDuration = assertNumber('bullmqDriver.lockDurationMs', options.lockDurationMs ?? 30_000, {
    min: 100,
    max: 2_147_483_647,
    integer: true,
  });
  const stalledInterval = assertNumber('bullmqDriver.stalledIntervalMs', options.stalledIntervalMs ?? 30_000, {
    min: 100,
    max: 2_147_483_647,
    integer: true,
  });
  const maxStalledCount = assertNumber('bullmqDriver.maxStalledCount', options.maxStalledCount ?? 1, {
    integer: true,
    max: 1000,
  });
  const lanes = new Map<string, Lane>();
  // Per-try signals, created on demand; the only driver-side abort is closing without draining.
  const signals = new RunSignals();
  let closed = false;

  const onError = (where: string) => (error: Error) =>
    logger?.error({ where, error: errorInfo(error) }, 'bullmq driver error');

  function lane(name: string): Lane {
    let found = lanes.get(name);
    if (!found) {
      // After close, a new BullMQ Queue would open connections nobody closes.
      assertOpen();
      const queue = new Queue(name, { connection, prefix });
      const dlq = new Queue(deadQueueName(name), { connection, prefix });
      queue.on('error', onError(`queue ${name}`));
      dlq.on('error', onError(`queue ${deadQueueName(name)}`));
      found = { queue, dlq, worker: undefined };
      lanes.set(name, found);
    }
    return found;
  }

  function assertOpen(): void {
    if (closed) throw new AbortError('the queue driver is closed');
  }

  function startWorker(name: string, l: Lane, handler: (run: DriverRun) => Promise<void>, o: DriverProcessOptions) {
    // Ids this process already dead-lettered, so the `failed` listener does not do it twice.
    const letteredHere = new Set<string>();
    const processor = async (job: BullJob): Promise<void> => {
      const data = job.data as StoredData;
      const attempts = job.opts.attempts ?? 1;
      const attempt = job.attemptsMade + 1;
      const run = new Run(signals, job.id as string, name, data.payload, attempt, attempts, data.timeoutMs);
      try {
        await handler(run);
      } catch (error) {
        if (attempt >= attempts) {
          const letter = await putDeadLetter(l.dlq, job, error, attempt);
          letteredHere.add(letter.id);
          notify(o, letter);
        }
        throw error instanceof Error ? error : new Error(errorInfo(error).message);
      } finally {
        run.release();
      }
    };
    const worker = new Worker(name, processor, {
      connection,
      prefix,
      concurrency: o.concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      settings: { backoffStrategy },
      ...(o.rateLimit ? { limiter: { max: o.rateLimit.max, duration: o.rateLimit.durationMs } } : {}),
    });
    worker.on('error', (error) => {
      onError(`worker ${name}`)(error);
      o.onError?.(error);
    });
    // Failures decided by BullMQ itself (a job that stalled too often, an UnrecoverableError)
    // never reach the catch above on their last try: dead-letter them here.
    worker.on('failed', (job, error) => {
      if (!job?.id || letteredHere.delete(job.id)) return;
      const final = error?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (!final) return;
      putDeadLetter(l.dlq, job, error, job.attemptsMade).then(
        (letter) => notify(o, letter),
        (failure: Error) => {
          onError(`dead-letter ${name}`)(failure);
          o.onError?.(failure);
        },
      );
    });
    return worker;
  }

  /**
   * For each job sent with a caller's jobId, whether this send stored it: BullMQ returns the id
   * either way, so read back the tag each send put in its data (one round trip, only for
   * de-duplicable jobs). A job already finished and trimmed counts as stored by this send.
   */
  async function storedByThisSend(queue: Queue, list: ReturnType<typeof toBullJob>[]): Promise<boolean[]> {
    const tagged = list.filter((job) => job.data.tag !== undefined);
    if (tagged.length === 0) return [];
    const client = await queue.client;
    // Sent together: one round trip.
    const replies = await Promise.all(tagged.map((job) => client.hget(queue.toKey(job.opts.jobId as string), 'data')));
    let n = 0;
    return list.map((job) => {
      if (job.data.tag === undefined) return true;
      const data = replies[n++];
      return typeof data !== 'string' || data.includes(job.data.tag);
    });
  }

  function notify(o: DriverProcessOptions, letter: Parameters<DriverProcessOptions['onDeadLettered']>[0]): void {
    try {
      o.onDeadLettered(letter);
    } catch {
      // A failing observer must not break the queue.
    }
  }

  return {
    kind: 'bullmq',

    async add(jobs) {
      assertOpen();
      const added: AddedJob[] = new Array(jobs.length);
      // Jobs grouped by queue, with their index in `jobs`.
      const byQueue = new Map<string, { list: ReturnType<typeof toBullJob>[]; at: number[] }>();
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i] as DriverJob;
        let group = byQueue.get(job.name);
        if (!group) {
          group = { list: [], at: [] };
          byQueue.set(job.name, group);
        }
        // A caller's jobId may be held already: tag the send to learn whether it stored the job.
        group.list.push(toBullJob(job, retention, job.id === undefined ? undefined : crypto.randomUUID()));
        group.at.push(i);
      }
      for (const [name, { list, at }] of byQueue) {
        const { queue } = lane(name);
        const [first] = list;
        const stored =
          list.length === 1 && first
            ? [await queue.add(first.name, first.data, first.opts)]
            : await queue.addBulk(list);
        const enqueued = await storedByThisSend(queue, list);
        for (let k = 0; k < at.length; k++) {
          added[at[k] as number] = { id: stored[k]?.id as string, enqueued: enqueued[k] !== false };
        }
      }
      return added;
    },

    async process(name, handler, o) {
      assertOpen();
      const l = lane(name);
      if (l.worker) configError(`queue ${name} already has a processor`);
      l.worker = startWorker(name, l, handler, o);
      await l.worker.waitUntilReady();
    },

    deadLetters: async (name, limit) => listDeadLetters(lane(name).dlq, limit),

    async retryDeadLetter(name, jobId) {
      assertOpen();
      const l = lane(name);
      await retryDeadLetter(l.queue, l.dlq, jobId, retention);
    },

    async counts(name): Promise<QueueCounts> {
      const l = lane(name);
      const [c, dead] = await Promise.all([
        l.queue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed', 'completed', 'failed'),
        l.dlq.getJobCountByTypes('waiting', 'paused'),
      ]);
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        dead,
      };
    },

    pause: async (name) => lane(name).queue.pause(),
    resume: async (name) => lane(name).queue.resume(),

    async close({ drain }) {
      if (closed) return;
      closed = true;
      if (!drain) signals.abortAll(new AbortError('the queue was closed without draining'));
      await Promise.all([...lanes.values()].map((l) => l.worker?.close(!drain)));
      await Promise.all([...lanes.values()].flatMap((l) => [l.queue.close(), l.dlq.close()]));
    },
  };
}
