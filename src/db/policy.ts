import type { Policy } from '../types.js';

/** Options of the drivers that talk to a server (PostgreSQL, Supabase, Redis). */
export interface DriverOptions {
  /**
   * Resilience policy (retry, breaker, timeout, ...) around each operation. Writes that must
   * not repeat (`insert`) are marked `idempotent: false`, so a composed `retry` runs them once.
   * A `timeout` stops waiting but does not cancel the statement on the server.
   */
  policy?: Policy;
}

/** Runs `fn` through `policy` when there is one, passing the idempotency flag down. */
export function withPolicy<T>(policy: Policy | undefined, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
  if (!policy) return fn();
  // `idempotent` travels with the execute options through composed policies (see `compose`).
  return policy.execute(() => fn(), { idempotent } as { signal?: AbortSignal });
}
