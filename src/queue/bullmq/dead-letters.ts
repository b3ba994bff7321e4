import type { Job as BullJob, Queue, RedisClient } from 'bullmq';
import { NotFoundError } from '../../errors/not-found-error.js';
import type { Backoff } from '../../policies/backoff.js';
import { deadLetterError } from '../dead-letter-error.js';
import type { DeadLetter, DeadLetterError } from '../driver.js';
import { isBullId, type Retention, type StoredData, toBullJob } from './job-data.js';

/** A dead letter as stored in the `<queue>.dead` BullMQ queue (never processed). */
interface StoredDeadLetter {
  queue: string;
  payload: unknown;
  attempts: number;
  error: DeadLetterError;
  failedAt: number;
  /** What a retry needs to re-create the job if the main queue no longer holds it. */
  job: { attempts: number; backoff: Backoff; timeoutMs?: number; priority?: number };
  /** Random per dead-lettering: a retry removes the letter only while it still holds this tag. */
  tag?: string;
}

/**
 * Replaces the data of a dead letter that exists (the job was dead-lettered again, e.g. right
 * after a retry, before the retry removed the old letter). Returns 0 when there is none.
 */
const REPLACE = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return 1`;

/**
 * Removes a dead letter (a job that only ever sits in the dead-letter queue's wait list) if it
 * still carries the tag a retry read: a letter replaced since is a newer failure and stays.
 */
const REMOVE_IF_TAGGED = `local data = redis.call('HGET', KEYS[1], 'data')
if not data or not string.find(data, ARGV[1], 1, true) then return 0 end
redis.call('LREM', KEYS[2], 0, ARGV[2])
redis.call('LREM', KEYS[3], 0, ARGV[2])
redis.call('DEL', KEYS[1], KEYS[4])
return 1`;

const defined = new WeakSet<object>();

/** The dead-letter scripts, registered once per connection. */
async function scriptsOf(dlq: Queue): Promise<RedisClient> {
  const client = await dlq.client;
  if (!defined.has(client)) {
    client.defineCommand('wawagotReplaceDeadLetter', { numberOfKeys: 1, lua: REPLACE });
    client.defineCommand('wawagotRemoveDeadLetter', { numberOfKeys: 4, lua: REMOVE_IF_TAGGED });
    defined.add(client);
  }
  return client;
}

/**
 * The id of a job's dead letter in the dead-letter queue: the job's own id, except for ids
 * BullMQ assigned (integers, which BullMQ refuses as given ids): those get a form no caller's
 * `jobId` can take (callers' ids have no `:`; BullMQ accepts ids of three `:`-separated parts).
 */
export function deadLetterId(jobId: string): string {
  return isBullId(jobId) ? `auto:${jobId}:0` : jobId;
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
 * Copies a job that spent its attempts into the dead-letter queue under the same id and returns
 * the letter; a letter already there under that id is replaced by this newer one. Past `keep`
 * letters, the oldest are dropped. Called before BullMQ marks the job failed, so a crash in
 * between re-runs the job rather than losing its dead letter.
 */
export async function putDeadLetter(
  dlq: Queue,
  job: BullJob,
  error: unknown,
  attempts: number,
  keep = Number.POSITIVE_INFINITY,
): Promise<DeadLetter> {
  const data = job.data as StoredData;
  const stored: StoredDeadLetter = {
    queue: job.name,
    payload: data.payload,
    attempts,
    error: deadLetterError(error),
    failedAt: Date.now(),
    job: { attempts: job.opts.attempts ?? 1, backoff: backoffOf(job) },
    tag: crypto.randomUUID(),
  };
  if (data.timeoutMs !== undefined) stored.job.timeoutMs = data.timeoutMs;
  if (job.opts.priority) stored.job.priority = job.opts.priority;
  const key = deadLetterId(job.id as string);
  const client = await scriptsOf(dlq);
  // Replace first: `add` with a held id would keep the old letter and drop this one.
  const replaced = await client.runCommand('wawagotReplaceDeadLetter', [dlq.toKey(key), JSON.stringify(stored)]);
  if (replaced !== 1) {
    await dlq.add('dead', stored, { jobId: key });
    await trimDeadLetters(dlq, keep);
  }
  return toLetter(job.id as string, stored);
}

/** Drops the oldest letters past `keep` (letters only ever wait: the queue has no worker). */
async function trimDeadLetters(dlq: Queue, keep: number): Promise<void> {
  const over = (await dlq.getWaitingCount()) - keep;
  if (over <= 0) return;
  // Oldest first, as deadLetters() lists them.
  const oldest = await dlq.getJobs(['wait'], 0, over - 1, true);
  await Promise.all(oldest.map((job) => dlq.remove(job.id as string)));
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
  return jobs.map((job) => {
    const id = job.id as string;
    return toLetter(id.startsWith('auto:') ? (id.split(':')[1] as string) : id, job.data as StoredDeadLetter);
  });
}

/**
 * Puts a dead letter back: retries the failed job with fresh attempts when the main queue still
 * holds it, re-creates it when it was trimmed, and leaves it alone when a job with that id was
 * sent again meanwhile. The dead letter is removed last, so a crash never loses it, and only if
 * it is still the letter read here: when the retried job failed for good again in between, its
 * new letter stays. A trimmed job whose id BullMQ assigned (an integer, which BullMQ refuses as
 * a given id) is re-created under a new id.
 */
export async function retryDeadLetter(queue: Queue, dlq: Queue, jobId: string, retention: Retention): Promise<void> {
  const key = deadLetterId(jobId);
  const dead = await dlq.getJob(key);
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
      { id: isBullId(jobId) ? undefined : jobId, name: queue.name, payload: stored.payload, ...stored.job },
      retention,
    );
    await queue.add(name, data, opts);
  }
  if (stored.tag === undefined) {
    await dead.remove(); // a letter stored before letters were tagged
    return;
  }
  const client = await scriptsOf(dlq);
  await client.runCommand('wawagotRemoveDeadLetter', [
    dlq.toKey(key),
    dlq.keys.wait,
    dlq.keys.paused,
    `${dlq.toKey(key)}:logs`,
    stored.tag,
    key,
  ]);
}
