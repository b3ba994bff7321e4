import { assertNumber, assertObject, configError, MAX_DELAY } from '../internal/config.js';

/** Waits the same time before every retry. Plain data, so queues can persist it. */
export interface ConstantBackoff {
  readonly type: 'constant';
  /** In ms, at most `2_147_483_647` (about 24.8 days: longer timers fire at once). */
  readonly delayMs: number;
}

/** Doubles (or multiplies by `factor`) the wait after each failure, up to `max`. */
export interface ExponentialBackoff {
  readonly type: 'exponential';
  /** First delay in ms. @default 200 */
  readonly initial: number;
  /** Largest delay in ms (at most `2_147_483_647`); also caps a server's `Retry-After`. @default 30000 */
  readonly max: number;
  /** @default 2 */
  readonly factor: number;
  /** `'full'` picks a random delay in [0, computed] to spread retries. @default 'full' */
  readonly jitter: 'full' | 'none';
}

/** A backoff strategy: how long to wait before the next attempt. */
export type Backoff = ConstantBackoff | ExponentialBackoff;

/**
 * The same delay before every retry.
 *
 * @example
 * ```ts
 * retry({ maxAttempts: 5, backoff: constant(500) });
 * ```
 */
export function constant(ms: number): ConstantBackoff {
  return { type: 'constant', delayMs: assertNumber('constant(ms)', ms, { max: MAX_DELAY }) };
}

/**
 * Exponentially growing delays, with full jitter by default.
 *
 * @example
 * ```ts
 * retry({ maxAttempts: 4, backoff: exponential({ initial: 100, max: 5000 }) });
 * ```
 */
export function exponential(options: Partial<Omit<ExponentialBackoff, 'type'>> = {}): ExponentialBackoff {
  assertObject('exponential options', options);
  const { initial = 200, max = 30_000, factor = 2, jitter = 'full' } = options;
  return assertBackoff({ type: 'exponential', initial, max, factor, jitter }, 'exponential') as ExponentialBackoff;
}

/** `exponential()`: 200 ms doubling up to 30 s, full jitter (a literal, so using it costs no validation code). */
export const DEFAULT_BACKOFF: ExponentialBackoff = {
  type: 'exponential',
  initial: 200,
  max: 30_000,
  factor: 2,
  jitter: 'full',
};

/**
 * Delay in ms before the attempt after failed attempt number `attempt` (1-based).
 *
 * @example
 * ```ts
 * backoffDelay(exponential({ jitter: 'none' }), 3); // 800
 * ```
 */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  if (backoff.type === 'constant') return backoff.delayMs;
  const raw = Math.min(backoff.max, backoff.initial * backoff.factor ** Math.max(0, attempt - 1));
  return backoff.jitter === 'full' ? Math.round(random() * raw) : raw;
}

/**
 * Checks a user-supplied backoff value (as `constant` and `exponential` check theirs: delays in
 * [0, 2_147_483_647] ms) and throws `CONFIG` when it is not one; returns it as is.
 *
 * @example
 * ```ts
 * const backoff = assertBackoff(options.backoff ?? exponential(), 'myClient backoff');
 * ```
 */
export function assertBackoff(value: unknown, name = 'backoff'): Backoff {
  const b = (value ?? {}) as Record<string, unknown>;
  if (!/^(constant|exponential)$/.test(b.type as string))
    configError(`${name} must be constant(ms) or exponential({...})`);
  const delay = (key: string) => assertNumber(`${name}.${key}`, b[key], { max: MAX_DELAY });
  if (b.type === 'constant') delay('delayMs');
  else {
    const initial = delay('initial');
    const max = delay('max');
    assertNumber(`${name}.factor`, b.factor, { min: 1, max: 1000 });
    if (b.jitter !== 'full' && b.jitter !== 'none')
      configError(`${name}.jitter must be 'full' or 'none', got ${String(b.jitter)}`);
    if (max < initial) configError(`${name}.max must be >= ${name}.initial`);
  }
  return value as Backoff;
}
