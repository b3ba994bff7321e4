// Smoke checks of the Web-standard modules, bundled against the built package and run
// unchanged on every runtime of the matrix (Node 20/24, Bun, Deno, workerd, edge-runtime).
// `runChecks(serverUrl)` returns one row per check; it never throws.
import { createBus } from '@wawagot/integrations/bus';
import { circuitBreaker, compose, consecutive, constant, retry, timeout } from '@wawagot/integrations/policies';

export interface CheckResult {
  check: string;
  ok: boolean;
  error?: string;
}

type Check = [name: string, fn: (serverUrl: string) => Promise<void>];

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const checks: Check[] = [
  [
    'bus publish/waitFor',
    async () => {
      const bus = createBus<{ 'smoke.ping': { n: number } }>();
      const seen: number[] = [];
      bus.subscribe('smoke.ping', (e) => {
        seen.push(e.data.n);
      });
      const waiting = bus.waitFor('smoke.ping', { filter: (e) => e.data.n === 2, timeoutMs: 2000 });
      await bus.publish('smoke.ping', { n: 1 });
      const env = await bus.publish('smoke.ping', { n: 2 });
      const got = await waiting;
      assert(got.id === env.id && env.specversion === '1.0', 'waitFor did not resolve with the envelope');
      assert(seen.join() === '1,2', `handlers saw ${seen.join()}`);
    },
  ],
  [
    'compose(timeout, retry, circuitBreaker)',
    async () => {
      const policy = compose(
        timeout(2000),
        retry({ maxAttempts: 3, backoff: constant(1) }),
        circuitBreaker({ breaker: consecutive(5), halfOpenAfter: 1000 }),
      );
      let calls = 0;
      const value = await policy.execute(async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw Object.assign(new TypeError('fetch failed'));
        return 'ok';
      });
      assert(value === 'ok' && calls === 3, `expected 3 calls, got ${calls}`);
      const slow = timeout(20);
      const error = await slow
        .execute(
          ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
        )
        .catch((e: unknown) => e);
      assert((error as { code?: string }).code === 'TIMEOUT', `timeout gave ${String(error)}`);
    },
  ],
];

export async function runChecks(serverUrl: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [check, fn] of checks) {
    try {
      await fn(serverUrl);
      results.push({ check, ok: true });
    } catch (error) {
      results.push({
        check,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return results;
}
