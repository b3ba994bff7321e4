// Fault injection shared by the stand-in services: every request draws from a seeded
// random source, so a `--once` run with the same seed sees the same faults.

/** How often a stand-in misbehaves. Rates are 0..1. */
export interface FaultOptions {
  /** Share of requests answered with a 500/502/503. @default 0 */
  errorRate?: number;
  /** Share of requests answered with 429 and `Retry-After`. @default 0 */
  rateLimitRate?: number;
  /** Seconds sent in `Retry-After` on 429. @default 1 */
  retryAfterSec?: number;
  /** Share of requests delayed by `slowMs`. @default 0 */
  slowRate?: number;
  /** @default 1500 */
  slowMs?: number;
  /** Seed of the random source. @default 42 */
  seed?: number;
  /**
   * An outage: requests number `from` to `from + count - 1` (1-based, in arrival order) all
   * answer 503, so a circuit breaker has a reason to open. @default none
   */
  outage?: { from: number; count: number };
}

/** The fault decided for one request. */
export type Fault =
  | { kind: 'none' }
  | { kind: 'error'; status: number }
  | { kind: 'rate-limit'; retryAfterSec: number }
  | { kind: 'slow'; ms: number };

/** Mulberry32: a tiny deterministic PRNG. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a function that decides the fault of each request. */
export function faultInjector(options: FaultOptions = {}): () => Fault {
  const random = seeded(options.seed ?? 42);
  const { errorRate = 0, rateLimitRate = 0, slowRate = 0, slowMs = 1500, retryAfterSec = 1 } = options;
  const statuses = [500, 502, 503];
  let served = 0;
  return () => {
    served++;
    const roll = random();
    if (options.outage && served >= options.outage.from && served < options.outage.from + options.outage.count)
      return { kind: 'error', status: 503 };
    if (roll < errorRate) return { kind: 'error', status: statuses[Math.floor(random() * statuses.length)] ?? 503 };
    if (roll < errorRate + rateLimitRate) return { kind: 'rate-limit', retryAfterSec };
    if (roll < errorRate + rateLimitRate + slowRate) return { kind: 'slow', ms: slowMs };
    return { kind: 'none' };
  };
}
