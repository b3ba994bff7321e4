// compose(timeout, retry, circuitBreaker) on a succeeding async function, against cockatiel's
// wrap(timeout, retry, circuitBreaker), opossum's fire with a timeout, and the bare call.
import {
  ConsecutiveBreaker,
  circuitBreaker as cbCockatiel,
  ExponentialBackoff,
  handleAll,
  retry as retryCockatiel,
  TimeoutStrategy,
  timeout as timeoutCockatiel,
  wrap,
} from 'cockatiel';
import { circuitBreaker, compose, consecutive, exponential, retry, timeout } from '../src/policies/index.js';
import { markdownTable, ops, recordResults } from './results.js';

let sink = 0;
const work = async () => {
  sink++;
  return sink;
};

const ours = compose(
  timeout(5_000),
  retry({ maxAttempts: 3, backoff: exponential({ initial: 100 }) }),
  circuitBreaker({ breaker: consecutive(5), halfOpenAfter: 10_000 }),
);
const theirs = wrap(
  timeoutCockatiel(5_000, TimeoutStrategy.Aggressive),
  retryCockatiel(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 100 }) }),
  cbCockatiel(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
);
// opossum ships no types; only its constructor, fire and shutdown are used.
type Opossum = { fire(): Promise<unknown>; shutdown(): void };
const { default: CircuitBreaker } = (await import('opossum' as string)) as {
  default: new (fn: () => Promise<unknown>, options: Record<string, number>) => Opossum;
};
const opossum = new CircuitBreaker(work, { timeout: 5_000, errorThresholdPercentage: 50, resetTimeout: 10_000 });

/**
 * Mean CPU ns per awaited call over `ms`, after a warm-up. CPU time (not wall time) keeps the
 * figures comparable on a machine shared with other work.
 */
async function measure(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const run = async (limit: number) => {
    let n = 0;
    const start = cpu();
    let now = start;
    while (now - start < limit) {
      for (let i = 0; i < 500; i++) await fn();
      n += 500;
      now = cpu();
    }
    return ((now - start) * 1e6) / n;
  };
  await run(ms / 3);
  (globalThis as { gc?: () => void }).gc?.();
  return run(ms);
}

const cases: Array<[string, () => Promise<unknown>]> = [
  ['bare call', () => work()],
  ['compose(timeout, retry, circuitBreaker)', () => ours.execute(work)],
  ['opossum fire (timeout)', () => opossum.fire()],
  ['cockatiel wrap(timeout, retry, circuitBreaker)', () => theirs.execute(work)],
];
// Rounds interleave the cases so a busy machine affects them alike; each case keeps its median.
const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let round = 0; round < 5; round++) {
  for (const [name, fn] of cases) samples.get(name)?.push(await measure(fn, 300));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const ns = new Map([...samples].map(([name, values]) => [name, median(values)]));
opossum.shutdown();

const mine = ns.get('compose(timeout, retry, circuitBreaker)') as number;
const rows = cases.map(([name]) => {
  const value = ns.get(name) as number;
  return [
    name,
    ops(1e9 / value),
    `${(value / 1000).toFixed(3)} µs`,
    name === 'bare call' ? '–' : `${(value / mine).toFixed(2)}×`,
  ];
});
const table = markdownTable(['case', 'ops/s', 'per call', 'time vs compose'], rows);
console.log(table);
const vsOpossum = (ns.get('opossum fire (timeout)') as number) / mine;
const vsCockatiel = (ns.get('cockatiel wrap(timeout, retry, circuitBreaker)') as number) / mine;
const summary = `CPU time per awaited call, median of 5 interleaved rounds. compose is ${vsOpossum.toFixed(1)}× opossum (goal ≥ 2×) and ${vsCockatiel.toFixed(1)}× cockatiel (goal ≥ 20×); the bare call costs ${((ns.get('bare call') as number) / 1000).toFixed(3)} µs.`;
console.log(summary);
if (sink < 0) console.log(sink);
recordResults(
  'policies',
  'Policies: compose(timeout, retry, circuitBreaker) on a succeeding call',
  `${table}\n\n${summary}`,
);
