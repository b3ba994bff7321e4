import { type Job as BullJob, type ConnectionOptions, Job, Queue, Worker } from 'bullmq';
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
  /**
   * Dead letters kept per queue in its `<name>.dead` queue; past it the oldest is dropped.
   * `Infinity` keeps them all. @default 1000
   */
  keepDeadLetters?: number;
  /** How long a worker's lock on an active job lasts; renewed at half. @default 30000 */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (their worker died). @default 30000 */
  stalledIntervalMs?: number;
  /** Times a job may stall before it is failed and dead-lettered. @default 1 */
  maxStalledCount?: number;
  /** Receives queue, worker and connection errors (worker errors also reach `createQueue`'s logger). */
  logger?: Logger;
}

type BullAdd = ReturnType<typeof toBullJob>;

/** Connections the driver's script is registered on. */
const defined = new WeakSet<object>();

interface Lane {
  queue: Queue;
  /**
   * The `<name>.dead` queue, opened on first use: a queue that never dead-letters opens no
   * connection for it (closing one still connecting leaves BullMQ's set-up commands rejected,
   * with nobody to catch them).
   */
  readonly dlq: Queue;
  worker: Worker | undefined;
  /** Closes the queue and, if it was opened, the dead-letter queue. */
  close(): Promise<unknown>;
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
    plain: new Map(),
  };
  const keepDeadLetters = options.keepDeadLetters ?? 1000;
  if (keepDeadLetters !== Number.POSITIVE_INFINITY)
    assertNumber('bullmqDriver.keepDeadLetters', keepDeadLetters, { integer: true });
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
      const open = (queueName: string) =>
        new Queue(queueName, { connection, prefix }).on('error', onError(`queue ${queueName}`));
      const queue = open(name);
      let dlq: Queue | undefined;
      found = {
        queue,
        get dlq() {
          dlq ??= open(deadQueueName(name));
          return dlq;
        },
        worker: undefined,
        close: () => Promise.all([queue.close(), dlq?.close()]),
      };
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
          const letter = await putDeadLetter(l.dlq, job, error, attempt, keepDeadLetters);
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
      putDeadLetter(l.dlq, job, error, job.attemptsMade, keepDeadLetters).then(
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
   * Adds jobs of one queue of which some carry a caller's jobId, in one MULTI: an `EXISTS` just
   * before each such job's BullMQ add tells, atomically, whether the id was already held
   * (BullMQ returns the id either way). The whole batch is stored or nothing is.
   */
  async function addKeyed(queue: Queue, list: BullAdd[]): Promise<AddedJob[]> {
    const client = await queue.client;
    if (!defined.has(client)) {
      client.defineCommand('wawagotJobExists', { numberOfKeys: 1, lua: "return redis.call('EXISTS', KEYS[1])" });
      defined.add(client);
    }
    const multi = client.multi();
    const queued: Array<Promise<unknown>> = [];
    for (const { name, data, opts } of list) {
      const job = new Job(queue, name, data, opts, opts.jobId);
      if (opts.jobId !== undefined) multi.runCommand('wawagotJobExists', [queue.toKey(opts.jobId)]);
      // Queues the add on `multi` (BullMQ's own bulk add does the same on a pipeline).
      queued.push(job.addJob(multi, { parentDependenciesKey: '' }));
    }
    await Promise.all(queued); // option errors surface here, before anything is sent
    const replies = (await multi.exec()) ?? [];
    let n = 0;
    const reply = (): unknown => {
      const [error, value] = replies[n++] ?? [new Error('queue driver: missing MULTI reply'), undefined];
      if (error) throw error;
      return value;
    };
    return list.map(({ opts }) => {
      const held = opts.jobId !== undefined && Number(reply()) === 1;
      const id = reply();
      if (typeof id === 'number' && id < 0) throw new Error(`BullMQ refused job ${opts.jobId ?? ''} (code ${id})`);
      return { id: String(id), enqueued: !held };
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
      const byQueue = new Map<string, { list: BullAdd[]; at: number[]; keyed: boolean }>();
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i] as DriverJob;
        let group = byQueue.get(job.name);
        if (!group) {
          group = { list: [], at: [], keyed: false };
          byQueue.set(job.name, group);
        }
        group.list.push(toBullJob(job, retention));
        group.at.push(i);
        if (job.id !== undefined) group.keyed = true;
      }
      for (const [name, { list, at, keyed }] of byQueue) {
        const { queue } = lane(name);
        const [first] = list;
        let results: AddedJob[];
        if (keyed) results = await addKeyed(queue, list);
        else {
          // Without caller ids nothing can be held already: BullMQ's own add, as a plain producer does.
          const stored =
            list.length === 1 && first
              ? [await queue.add(first.name, first.data, first.opts)]
              : await queue.addBulk(list);
          results = stored.map((job) => ({ id: job.id as string, enqueued: true }));
        }
        for (let k = 0; k < at.length; k++) added[at[k] as number] = results[k] as AddedJob;
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
      await Promise.all([...lanes.values()].map((l) => l.close()));
    },
  };
}
