import { describe, expect, it } from 'vitest';
import { IntegrationError, NetworkError } from '../../src/index.js';
import {
  bulkhead,
  circuitBreaker,
  compose,
  consecutive,
  constant,
  rateLimit,
  retry,
  timeout,
} from '../../src/policies/index.js';
import { fakeClock, recordingSink } from './fake-clock.js';

const SECRET = 'sk_live_CANARY_5f2c9a7e1b';

/** An error the way HTTP libraries build them: secrets in cause, details and extra fields. */
function leakyError(): Error {
  const error = new NetworkError('upstream refused the connection', {
    retryable: true,
    cause: new Error(`Authorization: Bearer ${SECRET}`),
  });
  Object.assign(error, { config: { headers: { authorization: `Bearer ${SECRET}` } } });
  return error;
}

describe('no secret leaves through policy errors, events or logs', () => {
  it('events and log lines carry only a name/message/code summary', async () => {
    const clock = fakeClock();
    const bus = recordingSink();
    const lines: unknown[] = [];
    const log = (obj: object, msg?: string) => lines.push([obj, msg]);
    const logger = { debug: log, info: log, warn: log, error: log };
    const breaker = circuitBreaker({ breaker: consecutive(2), halfOpenAfter: 100, clock, bus, logger });
    const policy = compose(retry({ maxAttempts: 3, backoff: constant(10), clock, bus, logger }), breaker);
    const p = policy.execute(async () => Promise.reject(leakyError())).catch((e: unknown) => e);
    await clock.advance(100);
    const final = await p;
    expect(bus.types()).toEqual(['http.retry', 'breaker.opened', 'http.retry']);
    const published = JSON.stringify({ events: bus.events, lines });
    expect(published).not.toContain(SECRET);
    expect(published).toContain('upstream refused the connection');
    // The fail-fast error names the breaker, never the failing call's data.
    expect(JSON.stringify(final)).not.toContain(SECRET);
    expect((final as Error).message).not.toContain(SECRET);
  });

  it("the policies' own errors never embed the wrapped call's error", async () => {
    const clock = fakeClock();
    const errors: unknown[] = [];
    const leak = async () => Promise.reject(leakyError());
    const t = timeout(10, { clock }).execute(() => new Promise(() => {}));
    await clock.advance(10);
    errors.push(await t.catch((e: unknown) => e));
    const limiter = rateLimit({ limit: 1, intervalMs: 1_000, mode: 'reject', clock });
    await limiter.execute(leak).catch(() => undefined);
    errors.push(await limiter.execute(leak).catch((e: unknown) => e));
    const pool = bulkhead({ concurrency: 1 });
    const running = pool.execute(() => new Promise((r) => setTimeout(r, 5)));
    errors.push(await pool.execute(leak).catch((e: unknown) => e));
    await running;
    // Each is the policy's own error, not the wrapped call's (which would pass the checks below).
    expect(errors.map((e) => (e as IntegrationError).code)).toEqual(['TIMEOUT', 'RATE_LIMITED', 'BULKHEAD_FULL']);
    for (const error of errors) {
      expect(error).toBeInstanceOf(IntegrationError);
      const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
      expect(text).not.toContain(SECRET);
    }
  });
});
