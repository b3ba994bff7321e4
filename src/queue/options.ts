import { assertNumber, configError } from '../internal/config.js';
import { assertBackoff, type Backoff, constant } from '../policies/backoff.js';
import type { QueueRateLimit } from './driver.js';
import type { JobOptions, ProcessOptions, SendOptions } from './types.js';

/** BullMQ's largest priority; both drivers accept the same range. */
export const MAX_PRIORITY = 2_097_152;

/** Retry settings with every default filled in. */
export interface ResolvedJobOptions {
  attempts: number;
  backoff: Backoff;
  timeoutMs: number | undefined;
}

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

function assertObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) configError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

/**
 * Queue names are used as Redis key parts: letters, digits, `_`, `-`, `.`, up to 128. Names
 * ending in `.dead` are reserved for dead-letter queues.
 */
export function assertQueueName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name) || name.endsWith('.dead')) {
    configError(
      `queue name must match ${NAME.source} and not end in ".dead", got ${JSON.stringify(String(name)).slice(0, 140)}`,
    );
  }
  return name;
}

/** Merges job options over defaults, checking each value. */
export function resolveJobOptions(
  options: JobOptions | undefined,
  defaults: ResolvedJobOptions,
  where: string,
): ResolvedJobOptions {
  const o = assertObject(options, where) as JobOptions;
  return {
    attempts:
      o.attempts === undefined
        ? defaults.attempts
        : assertNumber(`${where}.attempts`, o.attempts, { min: 1, max: 1_000_000, integer: true }),
    backoff: o.backoff === undefined ? defaults.backoff : assertBackoff(o.backoff, `${where}.backoff`),
    timeoutMs:
      o.timeoutMs === undefined
        ? defaults.timeoutMs
        : assertNumber(`${where}.timeoutMs`, o.timeoutMs, { min: 1, max: 2_147_483_647 }),
  };
}

/** The library defaults: one try, no wait, no time limit. */
export const BASE_JOB_OPTIONS: ResolvedJobOptions = { attempts: 1, backoff: constant(0), timeoutMs: undefined };

/** Checked `send` options. */
export interface ResolvedSendOptions extends ResolvedJobOptions {
  delayMs: number | undefined;
  priority: number | undefined;
  jobId: string | undefined;
}

/**
 * Checks `send` options. A `jobId` must be 1–256 characters without `:` and must not be an
 * integer (BullMQ reserves those for its own ids), so both drivers accept the same ids.
 */
export function resolveSendOptions(
  options: SendOptions | undefined,
  defaults: ResolvedJobOptions,
): ResolvedSendOptions {
  const o = assertObject(options, 'send options') as SendOptions;
  const job = resolveJobOptions(o, defaults, 'send options');
  const { jobId } = o;
  if (
    jobId !== undefined &&
    (typeof jobId !== 'string' ||
      jobId.length === 0 ||
      jobId.length > 256 ||
      jobId.includes(':') ||
      /^-?\d+$/.test(jobId))
  ) {
    configError('send options.jobId must be a 1-256 character string without ":" that is not an integer');
  }
  return {
    ...job,
    delayMs:
      o.delayMs === undefined || o.delayMs === 0
        ? undefined
        : Math.ceil(assertNumber('send options.delayMs', o.delayMs, { min: 0, max: 2_147_483_647 })),
    priority:
      o.priority === undefined
        ? undefined
        : assertNumber('send options.priority', o.priority, { min: 1, max: MAX_PRIORITY, integer: true }),
    jobId,
  };
}

/** Checked `process` options. */
export function resolveProcessOptions(options: ProcessOptions | undefined): {
  concurrency: number;
  rateLimit: QueueRateLimit | undefined;
} {
  const o = assertObject(options, 'process options') as ProcessOptions;
  const concurrency =
    o.concurrency === undefined
      ? 1
      : assertNumber('process options.concurrency', o.concurrency, { min: 1, max: 10_000, integer: true });
  if (o.rateLimit === undefined) return { concurrency, rateLimit: undefined };
  const r = assertObject(o.rateLimit, 'process options.rateLimit') as unknown as QueueRateLimit;
  return {
    concurrency,
    rateLimit: {
      max: assertNumber('process options.rateLimit.max', r.max, { min: 1, integer: true, max: 1_000_000 }),
      durationMs: assertNumber('process options.rateLimit.durationMs', r.durationMs, {
        min: 1,
        integer: true,
        max: 2_147_483_647,
      }),
    },
  };
}
