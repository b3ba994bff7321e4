import { AbortError } from '../errors/abort-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, configError } from '../internal/config.js';
import { backoffDelay } from '../policies/backoff.js';
import type { Clock } from '../types.js';
import { deadLetterError } from './dead-letter-error.js';
import type { DeadLetter, DriverJob, DriverProcessOptions, DriverRun, QueueCounts, QueueDriver } from './driver.js';
import { Run, RunSignals } from './run-signals.js';

/** Options of {@link memoryDriver}. */
export interface MemoryDriverOptions {
  /** Time source for delays, backoff waits and the processors' `rateLimit` windows. @default systemClock */
  clock?: Clock;
  /** Completed jobs remembered per queue (for `jobId` de-duplication and counts). @default 1000 */
  keepCompleted?: number;
  /** Jobs that exhausted their attempts remembered per queue. @default 1000 */
  keepFailed?: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

type State = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

interface Entry {
  job: DriverJob;
  state: State;
  /** Tries finished so far. */
  made: number;
  timer?: unknown;
}

interface Lane {
  name: string;
  entries: Map<string, Entry>;
  /** Jobs ready to run, highest priority first, in arrival order within a priority. */
  ready: Entry[];
  /** Jobs running now, and at most how many may. */
  running: number;
  concurrency: number;
  /** Resolved when no job is running (close with drain). */
  idle: Array<() => void>;
  handler: ((run: DriverRun) => Promise<void>) | undefined;
  hooks: DriverProcessOptions | undefined;
  paused: boolean;
  /** Ids of completed jobs, oldest first, from index `completedFrom` on. */
  completed: string[];
  completedFrom: number;
  failed: Set<string>;
  dead: Map<string, { letter: DeadLetter; job: DriverJob }>;
  /** Rate limit state: starts counted in the current window of `clock`. */
  limit: RateWindow | undefined;
}

interface RateWindow {
  max: number;
  durationMs: number;
  windowStart: number;
  started: number;
  timer: unknown;
}

/**
 * An in-process queue driver: per queue name a priority line of ready jobs with a concurrency
 * limit (p-queue's model, without its per-job promises and events), delays, backoff waits and
 * rate-limit windows on `unref`'d timers of `clock`, dead letters in memory. Jobs live and die with the
 * process: use `bullmqDriver` when jobs must survive a restart or be shared by processes.
 *
 * @example
 * ```ts
 * const queue = createQueue<{ voice_tasks: { callId: string } }>({ driver: memoryDriver() });
 * ```
 */
export function memoryDriver(options: MemoryDriverOptions = {}): QueueDriver {
  const clock = options.clock ?? systemClock;
  const keepCompleted = assertNumber('memoryDriver.keepCompleted', options.keepCompleted ?? 1000, { integer: true });
  const keepFailed = assertNumber('memoryDriver.keepFailed', options.keepFailed ?? 1000, { integer: true });
  const lanes = new Map<string, Lane>();
  // Per-try signals, created on demand; the only driver-side abort is closing without draining.
  const signals = new RunSignals();
  let closed = false;

  function lane(name: string): Lane {
    let found = lanes.get(name);
    if (!found) {
      found = {
        name,
        entries: new Map(),
        ready: [],
        running: 0,
        concurrency: 1,
        idle: [],
        handler: undefined,
        hooks: undefined,
        paused: false,
        completed: [],
        completedFrom: 0,
        failed: new Set(),
        dead: new Map(),
        limit: undefined,
      };
      lanes.set(name, found);
    }
    return found;
  }

  /** Remembers a completed job, forgetting the oldest beyond `keepCompleted` (no Set: a queue of ids). */
  function done(l: Lane, id: string): void {
    const ids = l.completed;
    ids.push(id);
    if (ids.length - l.completedFrom > keepCompleted) {
      l.entries.delete(ids[l.completedFrom++] as string);
      if (l.completedFrom > 1024 && l.completedFrom * 2 > ids.length) {
        l.completed = ids.slice(l.completedFrom);
        l.completedFrom = 0;
      }
    }
  }

  function remember(l: Lane, set: Set<string>, id: string, keep: number): void {
    set.add(id);
    while (set.size > keep) {
      const oldest = set.values().next().value as string;
      set.delete(oldest);
      l.entries.delete(oldest);
    }
  }

  /** BullMQ's order: unprioritised jobs first, then priority 1, 2, ... */
  const rank = (entry: Entry) => entry.job.priority ?? 0;

  function ready(l: Lane, entry: Entry): void {
    entry.state = 'waiting';
    const line = l.ready;
    const r = rank(entry);
    // Mostly appends; otherwise after the last job of the same or a better rank.
    if (!line.length || rank(line[line.length - 1] as Entry) <= r) line.push(entry);
    else {
      let lo = 0;
      let hi = line.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (rank(line[mid] as Entry) <= r) lo = mid + 1;
        else hi = mid;
      }
      line.splice(lo, 0, entry);
    }
    pump(l);
  }

  /** Starts ready jobs while the lane has a processor, free slots and rate-limit room. */
  function pump(l: Lane): void {
    while (l.handler && !l.paused && !closed && l.running < l.concurrency && l.ready.length && admit(l)) {
      l.running++;
      run(l, l.ready.shift() as Entry);
    }
  }

  /**
   * Counts a start against the lane's rate limit (fixed windows on `clock`, like p-queue's
   * `intervalCap` but on the injected clock). Returns false when the window is spent: the job
   * goes back in line and the lane holds until the next window.
   */
  function admit(l: Lane): boolean {
    const limit = l.limit;
    if (!limit) return true;
    const now = clock.now();
    if (now - limit.windowStart >= limit.durationMs) {
      limit.windowStart = now;
      limit.started = 0;
    }
    if (limit.started < limit.max) {
      limit.started++;
      return true;
    }
    // The window is spent: try again when it ends.
    limit.timer ??= clock.setTimeout(
      () => {
        limit.timer = undefined;
        pump(l);
      },
      Math.max(0, limit.windowStart + limit.durationMs - now),
    );
    return false;
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
      tried = new Run(signals, job.id, job.name, JSON.parse(job.json), entry.made + 1, job.attempts, job.timeoutMs);
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
    const { job } = entry;
    const attempt = ++entry.made;
    if (!failed) {
      entry.state = 'completed';
      done(l, job.id);
      return;
    }
    if (attempt < job.attempts) {
      const delay = backoffDelay(job.backoff, attempt);
      if (delay > 0) later(l, entry, delay);
      else ready(l, entry);
      return;
    }
    entry.state = 'failed';
    remember(l, l.failed, job.id, keepFailed);
    const letter: DeadLetter = {
      id: job.id,
      queue: job.name,
      payload: JSON.parse(job.json),
      attempts: attempt,
      error: deadLetterError(failure),
      failedAt: clock.now(),
    };
    l.dead.set(job.id, { letter, job });
    try {
      l.hooks?.onDeadLettered(letter);
    } catch {
      // A failing observer must not break the queue.
    }
  }

  return {
    kind: 'memory',

    add(jobs) {
      if (closed) return Promise.reject(new AbortError('the queue driver is closed'));
      for (const job of jobs) {
        const l = lane(job.name);
        if (l.entries.has(job.id)) continue;
        const entry: Entry = { job, state: 'waiting', made: 0 };
        l.entries.set(job.id, entry);
        if (job.delayMs) later(l, entry, job.delayMs);
        else ready(l, entry);
      }
      return RESOLVED;
    },

    async process(queue, handler, processOptions) {
      if (closed) throw new AbortError('the queue driver is closed');
      const l = lane(queue);
      if (l.handler) configError(`queue ${queue} already has a processor`);
      const { concurrency, rateLimit } = processOptions;
      l.handler = handler;
      l.hooks = processOptions;
      l.limit = rateLimit
        ? { ...rateLimit, windowStart: Number.NEGATIVE_INFINITY, started: 0, timer: undefined }
        : undefined;
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
      const fresh: Entry = { job: { ...dead.job, delayMs: 0 }, state: 'waiting', made: 0 };
      l.entries.set(jobId, fresh);
      ready(l, fresh);
    },

    async counts(queue): Promise<QueueCounts> {
      const counts: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, dead: 0 };
      const l = lanes.get(queue);
      if (!l) return counts;
      for (const { state } of l.entries.values()) if (state !== 'completed' && state !== 'failed') counts[state]++;
      counts.completed = l.completed.length - l.completedFrom;
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

    async close({ drain }) {
      closed = true;
      for (const l of lanes.values()) {
        for (const entry of l.entries.values()) if (entry.timer !== undefined) clock.clearTimeout(entry.timer);
        if (l.limit?.timer !== undefined) clock.clearTimeout(l.limit.timer);
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
