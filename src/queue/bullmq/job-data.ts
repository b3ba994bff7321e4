import type { JobsOptions } from 'bullmq';
import { type Backoff, backoffDelay, type ExponentialBackoff } from '../../policies/backoff.js';
import type { DriverJob } from '../driver.js';

/** Name of the BullMQ custom backoff strategy that replays `exponential({...})` exactly. */
export const EXPONENTIAL = 'wawagot.exponential';

/**
 * What is stored as a BullMQ job's `data`: the payload plus the settings BullMQ's own options
 * cannot carry (the exponential backoff's cap, factor and jitter; the per-try time limit).
 */
export interface StoredData {
  payload: unknown;
  backoff?: ExponentialBackoff;
  timeoutMs?: number;
}

/** Retention of finished jobs in the main queue, as BullMQ options (shared by every job). */
export interface Retention {
  removeOnComplete: { count: number };
  removeOnFail: { count: number };
  /** Options of plain jobs (no id, backoff, delay or priority) by attempts, built once each. */
  plain?: Map<number, JobsOptions>;
}

/**
 * Maps a backoff to BullMQ's: `constant` to the built-in `fixed`; `exponential` to a custom
 * strategy reading the stored settings, because BullMQ's built-in one has no cap or factor.
 */
export function bullBackoff(backoff: Backoff): NonNullable<JobsOptions['backoff']> {
  return backoff.type === 'constant' ? { type: 'fixed', delay: backoff.delayMs } : { type: EXPONENTIAL };
}

/** BullMQ's own ids are integers; it refuses them as custom ids. */
export const isBullId = (id: string): boolean => /^\d+$/.test(id);

/**
 * The BullMQ `add` arguments for one job. Without an `id` BullMQ assigns one from its counter
 * (short keys: a UUID per job costs Redis and the client about a tenth of the throughput).
 */
export function toBullJob(
  job: Omit<DriverJob, 'json'>,
  retention: Retention,
): { name: string; data: StoredData; opts: JobsOptions } {
  const data: StoredData = { payload: job.payload };
  if (job.backoff.type === 'exponential') data.backoff = job.backoff;
  if (job.timeoutMs !== undefined) data.timeoutMs = job.timeoutMs;
  // No backoff at all is BullMQ's immediate retry: the same as constant(0), with less to store.
  const backoff = job.backoff.type === 'exponential' || job.backoff.delayMs > 0;
  if (job.id === undefined && !backoff && job.delayMs === undefined && job.priority === undefined) {
    // Options shared by every such job with these attempts (BullMQ copies them per job).
    const shared = retention.plain?.get(job.attempts);
    if (shared) return { name: job.name, data, opts: shared };
  }
  const opts: JobsOptions = {
    attempts: job.attempts,
    removeOnComplete: retention.removeOnComplete,
    removeOnFail: retention.removeOnFail,
  };
  if (job.id !== undefined) opts.jobId = job.id;
  else if (!backoff && job.delayMs === undefined && job.priority === undefined) {
    retention.plain?.set(job.attempts, Object.freeze(opts) as JobsOptions);
  }
  if (backoff) opts.backoff = bullBackoff(job.backoff);
  if (job.delayMs !== undefined) opts.delay = job.delayMs;
  if (job.priority !== undefined) opts.priority = job.priority;
  return { name: job.name, data, opts };
}

/**
 * The worker's custom backoff strategy. BullMQ passes the number of the try that just failed
 * (1-based), which is what `backoffDelay` expects.
 */
export function backoffStrategy(attemptsMade: number, type?: string, _error?: Error, job?: { data?: unknown }): number {
  const stored = (job?.data as StoredData | undefined)?.backoff;
  if (type !== EXPONENTIAL || !stored) return 0;
  return backoffDelay(stored, attemptsMade);
}
