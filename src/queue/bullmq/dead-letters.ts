import type { Job as BullJob, Queue } from 'bullmq';
import { NotFoundError } from '../../errors/not-found-error.js';
import type { Backoff } from '../../policies/backoff.js';
import { deadLetterError } from '../dead-letter-error.js';
import type { DeadLetter, DeadLetterError } from '../driver.js';
import { type Retention, type StoredData, toBullJob } from './job-data.js';

/** A dead letter as stored in the `<queue>.dead` BullMQ queue (never processed). */
interface StoredDeadLetter {
  queue: string;
  payload: unknown;
  attempts: number;
  error: DeadLetterError;
  failedAt: number;
  /** What a retry needs to re-create the job if the main queue no longer holds it. */
  job: { attempts: number; backoff: Backoff; timeoutMs?: number; priority?: number };
}

/** The dead-letter queue's name for `queue`. */
export function deadQueueName(queue: string): string {
  return `${queue}.dead`;
}

function backoffOf(job: BullJob): Backoff {
  const data = job.data as StoredData;
  if (data.backoff) return data.backoff;
  const opts = job.opts.backoff;
  const delayMs = typeof opts === 'object' && opts ? (opts.delay ?? 0) : typeof opts === 'number' ? opts : 0;
  return { type: 'constant', delayMs };
}

/**
 * Copies a job that spent its attempts into the dead-letter queue under the same id (so a
 * repeated call is a no-op) and returns the letter. Called before BullMQ marks the job failed,
 * so a crash in between re-runs the job rather than losing its dead letter.
 */
export async function putDeadLetter(dlq: Queue, job: BullJob, error: unknown, attempts: number): Promise<DeadLetter> {
  const data = job.data as StoredData;
  const stored: StoredDeadLetter = {
    queue: job.name,
    payload: data.payload,
    attempts,
    error: deadLetterError(error),
    failedAt: Date.now(),
    job: { attempts: job.opts.attempts ?? 1, backoff: backoffOf(job) },
  };
  if (data.timeoutMs !== undefined) stored.job.timeoutMs = data.timeoutMs;
  if (job.opts.priority) stored.job.priority = job.opts.priority;
  await dlq.add('dead', stored, { jobId: job.id as string });
  return toLetter(job.id as string, stored);
}

function toLetter(id: string, stored: StoredDeadLetter): DeadLetter {
  return {
    id,
    queue: stored.queue,
    payload: stored.payload,
    attempts: stored.attempts,
    error: stored.error,
    failedAt: stored.failedAt,
  };
}

/** Oldest dead letters first. */
export async function listDeadLetters(dlq: Queue, limit: number): Promise<DeadLetter[]> {
  const jobs = await dlq.getJobs(['wait', 'paused'], 0, limit - 1, true);
  return jobs.map((job) => toLetter(job.id as string, job.data as StoredDeadLetter));
}

/**
 * Puts a dead letter back: retries the failed job with fresh attempts when the main queue still
 * holds it, re-creates it when it was trimmed, and leaves it alone when a job with that id was
 * sent again meanwhile. The dead letter is removed last, so a crash never loses it.
 */
export async function retryDeadLetter(queue: Queue, dlq: Queue, jobId: string, retention: Retention): Promise<void> {
  const dead = await dlq.getJob(jobId);
  if (!dead)
    throw new NotFoundError(`no dead letter ${jobId} in queue ${queue.name}`, {
      details: { queue: queue.name, jobId },
    });
  const stored = dead.data as StoredDeadLetter;
  const main = await queue.getJob(jobId);
  if (main) {
    if ((await main.getState()) === 'failed') {
      await main.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    }
  } else {
    const { name, data, opts } = toBullJob(
      { id: jobId, name: queue.name, payload: stored.payload, ...stored.job },
      retention,
    );
    await queue.add(name, data, opts);
  }
  await dead.remove();
}
