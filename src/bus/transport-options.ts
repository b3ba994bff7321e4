import { systemClock } from '../internal/clock.js';
import { assertNumber, assertObject, configError } from '../internal/config.js';
import { assertBackoff, type Backoff, exponential } from '../policies/backoff.js';
import type { Clock, Logger } from '../types.js';
import type { ErrorInfo } from './system-events.js';
import type { EventSink } from './types.js';
import { assertName, defaultConsumer } from './wire.js';

/**
 * Options both transports share.
 *
 * @example
 * ```ts
 * redisTransport(redis, { group: 'billing', maxAttempts: 3, backoff: constant(1000), logger: pino() });
 * ```
 */
export interface TransportCommonOptions {
  /**
   * Default group of subscriptions that name none. Leave unset in processes that need
   * broadcast (a realtime hub), or pass `{ group }` per subscription.
   */
  group?: string;
  /**
   * Attempts of a failing group handler before its event is dead-lettered. Deliveries to a
   * consumer that died count as attempts too.
   * @default 5
   */
  maxAttempts?: number;
  /** Wait between attempts. @default exponential({ initial: 100, max: 5000 }) */
  backoff?: Backoff;
  /** Receives dead letters (error) and connection problems (warn). */
  logger?: Logger;
  /** Receives a `bus.dead_lettered` event per dead letter (may be the bus using this transport). */
  bus?: EventSink;
  /** Time source of retry waits. @default systemClock */
  clock?: Clock;
}

/** Resolved shared options. */
export interface TransportCommon {
  group: string | undefined;
  maxAttempts: number;
  backoff: Backoff;
  logger: Logger | undefined;
  clock: Clock;
  /** Logs and publishes a dead letter; never throws. */
  reportDead(info: { type: string; id: string; group: string | undefined; attempts: number; error: ErrorInfo }): void;
  /** Identifies this transport's own messages (broadcast skips them: the bus delivered them locally). */
  origin: string;
}

/** Validates and defaults the shared options; throws `CONFIG`. */
export function resolveCommon(options: TransportCommonOptions): TransportCommon {
  assertObject('transport options', options);
  const { logger, bus } = options;
  if (bus !== undefined && typeof bus?.emit !== 'function') configError('bus must be an event bus');
  return {
    group: options.group === undefined ? undefined : assertName('group', options.group),
    maxAttempts: assertNumber('maxAttempts', options.maxAttempts ?? 5, { min: 1, max: 1000, integer: true }),
    backoff: options.backoff === undefined ? exponential({ initial: 100, max: 5000 }) : assertBackoff(options.backoff),
    logger,
    clock: options.clock ?? systemClock,
    origin: defaultConsumer(),
    reportDead({ group, ...rest }) {
      logger?.error({ ...rest, group }, 'bus event dead-lettered');
      try {
        bus?.emit('bus.dead_lettered', group === undefined ? rest : { ...rest, group });
      } catch {
        // A failing event sink must not stop the consumer.
      }
    },
  };
}
