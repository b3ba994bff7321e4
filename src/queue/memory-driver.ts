import { AbortError } from '../errors/abort-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, assertObject, configError } from '../internal/config.js';
import { backoffDelay } from '../policies/backoff.js';
import type { Clock } from '../types.js';
import { deadLetterError } from './dead-letter-error.js';
import type { AddedJob, DeadLetter, QueueCounts, QueueDriver } from './driver.js';
import { type Entry, type Lane, newLane, toReadyLine } from './memory/lane.js';
import { RateWindow } from './memory/rate-window.js';
import { keepNewest, keepNewestId } from './memory/retention.js';
import { Run, RunSignals } from './run-signals.js';

/** Options of {@link memoryDriver}. */
export interface MemoryDriverOptions {
  /**
   * Time source for delays, backoff waits and the processors' `rateLimit` windows. Without it
   * the driver runs on `createQueue`'s `clock` (or the system clock when neither is given).
   * @default the queue's clock
   */
  clock?: Clock;
  /** Completed jobs remembered per queue (for `jobId` de-duplication and counts). @default 1000 */
  keepCompleted?: number;
  /** Jobs that exhausted their attempts remembered per queue. @default 1000 */
  keepFailed?: number;
  /**
   * Dead letters kept per queue; past it the oldest is dropped. @default 1000
   */
  keepDeadLetters?: number;
}

/**
 * An in-process queue driver: per queue name a priority line of ready jobs with a concurrency
 * limit (p-queue's model, without its per-job promises and events), delays, backoff waits and
 * rate-limit windows on `unref`'d timers of `clock`, dead letters in memory (the newest
 * `keepDeadLetters`). Jobs live and die with the process: use `bullmqDriver` when jobs must
 * survive a restart or be shared by processes.
 *
 * @example
 * ```ts
 * const queue = createQueue<{ voice_tasks: { callId: string } }>({ driver: memoryDriver({ keepDeadLetters: 500 }) });
 * ```
 */
export function memoryDriver(options: MemoryDriverOptions = {}): QueueDriver {
  assertObject('memoryDriver options', options);
  assertMethods('memoryDriver: clock', options.clock, ['now', 'setTimeout', 'clearTimeout']);
  let clock = options.clock ?? systemClock;
  /** Set once a clock is fixed: given here, or adopted from the first `createQueue` that has one. */
  let clockFixed = options.clock !== undefined;
  const keep = (name: keyof MemoryDriverOptions) =>
    assertNumber(`memoryDriver.${name}`, options[name] ?? 1000, { integer: true });
  const keepCompleted = keep('keepCompleted');
  const keepFailed = keep('keepFailed');
  const keepDeadLetters = keep('keepDeadLetters');
  const lanes = new Map<string, Lane>();
  // Per-try signals, created on demand; the only driver-side abort is closing without draining.
  const signals = new RunSignals();
  let closed = false;

  function lane(name: string): Lane {
    let found = lanes.get(name);
    if (!found) {
      found = newLane(keepCompleted);
      lanes.set(name, found);
    }
    return found;
  }

  function ready(l: Lane, entry: Entry): void {
    toReadyLine(l, entry);
    pump(l);
  }

  /**
   * Starts a lane's newly added jobs on the next microtask rather than inside `add`, so the
   * queue announces a job (`queue.enqueued`) before its handler can run and complete it.
   */
  function pumpSoon(l: Lane): void {
    if (l.pumpQueued) return;
    l.pumpQueued = true;
    queueMicrotask(() => {
      l.pumpQueued = false;
      pump(l);
    });
  }

  /** Starts ready jobs while the lane has a processor, free slots and rate-limit room. */
  function pump(l: Lane): void {
    while (
      l.handler &&
      !l.paused &&
      !closed &&
      l.running < l.concurrency &&
      l.ready.length &&
      (!l.limit || l.limit.admit(clock, () => pump(l)))
    ) {
      l.running++;
      run(l, l.ready.shift() as Entry);
    }
  }

  function later(l: Lane, entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.timer = clock.setTimeout(() => {
      entry.timer = undefined;
      if (!closed) ready(l, entry);
    }, ms);
  }

  /** Frees the slot of a job that has run, and starts the next. */
  function free(l: Lane): void {
    if (!--l.running) for (const resolve of l.idle.splice(0)) resolve();
    pump(l);
  }

  /** Runs one try of a started job (holding one of the lane's slots until the handler settles). */
  function run(l: Lane, entry: Entry): void {
    const handler = l.handler;
    if (entry.state !== 'waiting' || !handler) {
      free(l);
      return;
    }
    entry.state = 'active';
    const { job } = entry;
    let result: Promise<void>;
    let tried: Run | undefined;
    try {
      tried = new Run(signals, entry.id, job.name, JSON.parse(job.json), entry.made + 1, job.attempts, job.timeoutMs);
      result = handler(tried);
    } catch (error) {
      tried?.release();
      finish(l, entry, true, error);
      return;
    }
    const settled = tried;
    // (No async frame: one `then` per try.)
    Promise.resolve(result).then(
      () => {
        settled.release();
        finish(l, entry, false, undefined);
      },
      (error: unknown) => {
        settled.release();
        finish(l, entry, true, error);
      },
    );
  }

  /** Frees the slot of a finished try, then completes, retries or dead-letters the job. */
  function finish(l: Lane, entry: Entry, failed: boolean, failure: unknown): void {
    free(l);
    const { job, id } = entry;
    const attempt = ++entry.made;
    if (!failed) {
      entry.state = 'completed';
      const dropped = l.completed.push(id);
      if (dropped !== undefined) l.entries.delete(dropped);
      return;
    }
    if (attempt < job.attempts) {
      const delay = backoffDelay(job.backoff, attempt);
      if (delay > 0) later(l, entry, delay);
      else ready(l, entry);
      return;
    }
    entry.state = 'failed';
    keepNewestId(l.failed, id, keepFailed, (oldest) => l.entries.delete(oldest));
    const letter: DeadLetter = {
      id,
      queue: job.name,
      payload: JSON.parse(job.json),
      attempts: attempt,
      error: deadLetterError(failure),
      failedAt: clock.now(),
    };
    keepNewest(l.dead, id, { letter, job }, keepDeadLetters);
    try {
      l.hooks?.onDeadLettered(letter);
    } catch {
      // A failing observer must not break the queue.
    }
  }

  return {
    kind: 'memory',

    add(jobs) {
      if (closed) throw new AbortError('the queue driver is closed');
      const added: AddedJob[] = [];
      for (const job of jobs) {
        const l = lane(job.name);
        const id = job.id ?? crypto.randomUUID();
        if (l.entries.has(id)) {
          added.push({ id, enqueued: false });
          continue;
        }
        const entry: Entry = { id, job, state: 'waiting', made: 0 };
        l.entries.set(id, entry);
        added.push({ id, enqueued: true });
        if (job.delayMs) later(l, entry, job.delayMs);
        else {
          toReadyLine(l, entry);
          pumpSoon(l);
        }
      }
      return added;
    },

    async process(queue, handler, processOptions) {
      if (closed) throw new AbortError('the queue driver is closed');
      const l = lane(queue);
      if (l.handler) configError(`queue ${queue} already has a processor`);
      const { concurrency, rateLimit } = processOptions;
      l.handler = handler;
      l.hooks = processOptions;
      l.limit = rateLimit ? new RateWindow(rateLimit) : undefined;
      l.concurrency = concurrency;
      pump(l);
    },

    async deadLetters(queue, limit) {
      const out: DeadLetter[] = [];
      for (const { letter } of lanes.get(queue)?.dead.values() ?? []) {
        if (out.length >= limit) break;
        out.push({ ...letter, payload: JSON.parse(JSON.stringify(letter.payload)) });
      }
      return out;
    },

    async retryDeadLetter(queue, jobId) {
      const l = lanes.get(queue);
      const dead = l?.dead.get(jobId);
      if (!l || !dead)
        throw new NotFoundError(`no dead letter ${jobId} in queue ${queue}`, { details: { queue, jobId } });
      l.dead.delete(jobId);
      const entry = l.entries.get(jobId);
      if (entry && entry.state !== 'failed') return; // re-sent meanwhile: that job already runs
      l.failed.delete(jobId);
      const fresh: Entry = { id: jobId, job: dead.job, state: 'waiting', made: 0 };
      l.entries.set(jobId, fresh);
      ready(l, fresh);
    },

    async counts(queue): Promise<QueueCounts> {
      const counts: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, dead: 0 };
      const l = lanes.get(queue);
      if (!l) return counts;
      for (const { state } of l.entries.values()) if (state !== 'completed' && state !== 'failed') counts[state]++;
      counts.completed = l.completed.size;
      counts.failed = l.failed.size;
      counts.dead = l.dead.size;
      return counts;
    },

    async pause(queue) {
      lane(queue).paused = true;
    },

    async resume(queue) {
      const l = lane(queue);
      l.paused = false;
      pump(l);
    },

    adoptClock(queueClock) {
      if (queueClock === clock) return;
      // Timers already set on one clock cannot move to another.
      if (clockFixed || lanes.size > 0) {
        configError('memoryDriver already runs on another clock: give the same clock to createQueue and memoryDriver');
      }
      clock = queueClock;
      clockFixed = true;
    },

    async close({ drain }) {
      closed = true;
      for (const l of lanes.values()) {
        for (const entry of l.entries.values()) if (entry.timer !== undefined) clock.clearTimeout(entry.timer);
        l.limit?.stop(clock);
      }
      if (!drain) {
        signals.abortAll(new AbortError('the queue was closed without draining'));
        return;
      }
      await Promise.all(
        [...lanes.values()].map((l) => (l.running ? new Promise<void>((resolve) => l.idle.push(resolve)) : undefined)),
      );
    },
  };
}
