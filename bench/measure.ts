/** Result of {@link measure}: nanoseconds per operation and operations per second. */
export interface Measurement {
  name: string;
  nsPerOp: number;
  opsPerSec: number;
}

/**
 * Runs `fn` repeatedly for about `timeMs` (after a warm-up) and reports the mean cost.
 * Sync functions are called in tight batches; async ones are awaited one by one.
 */
export async function measure(
  name: string,
  fn: () => unknown,
  { timeMs = 700, warmupMs = 200 }: { timeMs?: number; warmupMs?: number } = {},
): Promise<Measurement> {
  const probe = fn();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  const run = async (ms: number) => {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      if (isAsync) {
        for (let i = 0; i < 100; i++) await fn();
      } else {
        for (let i = 0; i < 1000; i++) fn();
      }
      ops += isAsync ? 100 : 1000;
      now = performance.now();
    }
    return { ops, elapsed: now - start };
  };
  await run(warmupMs);
  const { ops, elapsed } = await run(timeMs);
  const nsPerOp = (elapsed * 1e6) / ops;
  return { name, nsPerOp, opsPerSec: 1e9 / nsPerOp };
}

/** Formats nanoseconds as ns / µs / ms. */
export function duration(ns: number): string {
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
