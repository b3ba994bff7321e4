import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventSink } from '../bus/types.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { errorInfo } from '../internal/error-info.js';
import { validateWith } from '../internal/schema.js';
import type { Clock, Logger } from '../types.js';
import type { DriverRun } from './driver.js';
import type { Job } from './types.js';

/** What the core wraps around a user's handler. */
export interface RunContext {
  queue: string;
  handler: (job: Job<unknown>) => unknown;
  schema: StandardSchemaV1 | undefined;
  bus: EventSink | undefined;
  logger: Logger | undefined;
  clock: Clock;
}

/**
 * Turns a user handler into the driver-facing one: validates the payload, enforces the per-try
 * time limit by aborting the job's signal, and publishes `queue.completed` / `queue.failed`.
 * A failure is re-thrown so the driver can retry or dead-letter the job.
 */
export function wrapHandler(ctx: RunContext): (run: DriverRun) => Promise<void> {
  const { queue, handler, schema, bus, logger, clock } = ctx;

  function failed(run: DriverRun, error: unknown): never {
    const retrying = run.attempt < run.attempts;
    const info = errorInfo(error);
    bus?.emit('queue.failed', { queue, jobId: run.id, attempt: run.attempt, retrying, error: info });
    logger?.warn({ queue, jobId: run.id, attempt: run.attempt, retrying, error: info }, 'queue job failed');
    throw error;
  }

  function completed(run: DriverRun, started: number): void {
    bus?.emit('queue.completed', { queue, jobId: run.id, attempt: run.attempt, durationMs: clock.now() - started });
  }

  async function slowPath(run: DriverRun, started: number): Promise<void> {
    try {
      const payload = schema
        ? await validateWith(schema, run.payload, `queue ${queue} payload`, { queue, jobId: run.id })
        : run.payload;
      const job: Job<unknown> = { id: run.id, name: queue, payload, attempt: run.attempt, signal: run.signal };
      if (run.timeoutMs === undefined) await handler(job);
      else await withTimeout(job, run.timeoutMs, handler, clock);
    } catch (error) {
      failed(run, error);
    }
    completed(run, started);
  }

  return (run) => {
    const started = bus ? clock.now() : 0;
    if (schema || run.timeoutMs !== undefined) return slowPath(run, started);
    // Hot path (no schema, no time limit): no extra async frame per job.
    let result: unknown;
    try {
      // The run itself is the job: its `signal` stays lazy (created only if the handler reads it).
      result = handler(run as Job<unknown>);
    } catch (error) {
      return Promise.reject(error).catch((e: unknown) => failed(run, e));
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      return Promise.resolve(result).then(
        () => completed(run, started),
        (error: unknown) => failed(run, error),
      );
    }
    completed(run, started);
    return RESOLVED;
  };
}

const RESOLVED: Promise<void> = Promise.resolve();

async function withTimeout(
  job: Job<unknown>,
  timeoutMs: number,
  handler: (job: Job<unknown>) => unknown,
  clock: Clock,
): Promise<void> {
  const outer = job.signal;
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  let timer: unknown;
  const expired = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = new TimeoutError(`queue ${job.name} job exceeded its ${timeoutMs} ms time limit`, {
        details: { queue: job.name, jobId: job.id, timeoutMs },
      });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => handler({ ...job, signal: controller.signal })), expired]);
  } finally {
    clock.clearTimeout(timer);
    outer.removeEventListener('abort', forward);
  }
}
