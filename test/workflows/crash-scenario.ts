import type { Redis } from 'ioredis';
import type { Sql } from 'postgres';
import { expect } from 'vitest';
import type { WorkflowStore } from '../../src/workflows/index.js';
import { startChild } from './crash.helpers.js';

const RUNS = 200;
const KILLS = 4;
const CONCURRENCY = 10;

/** Kills the runner process KILLS times at random points, then lets it finish; checks the counters. */
export async function runCrashTest(options: {
  kind: 'postgres' | 'redis';
  name: string;
  sql: Sql;
  store: WorkflowStore;
  /** The Redis the store lives on, when it does. */
  redis?: Redis;
}) {
  const { kind, name, sql, store, redis } = options;
  const table = sql(`${name}_counters`);
  const ids = Array.from({ length: RUNS }, (_, i) => `run-${i}`);
  const key = (runId: string, step: string | number) => `${runId}/s${String(step).replace(/^s/, '')}`;
  const readCounters = async () =>
    new Map(
      (await sql`SELECT run_id, step, n FROM public.${table}`).map((r) => [key(r.run_id, r.step), r.n as number]),
    );
  const stepsRun = async () =>
    Number((await sql`SELECT coalesce(sum(n), 0)::int AS n FROM public.${table}`)[0]?.n ?? 0);
  const storedSteps = async () => {
    const done = new Set<string>();
    for (const runId of ids) {
      for (const s of await store.getSteps(runId)) if (s.state === 'completed') done.add(key(runId, s.stepId));
    }
    return done;
  };

  const snapshots: Array<{ stored: Set<string>; counters: Map<string, number> }> = [];
  let kills = 0;
  const halts = new Map<string, number>();
  const countHalts = (output: string) => {
    for (const [, runId] of output.matchAll(/^HALTED (\S+)$/gm)) halts.set(runId!, (halts.get(runId!) ?? 0) + 1);
  };
  for (let k = 0; k < KILLS; k++) {
    const proc = startChild(kind, name, RUNS);
    await proc.ready();
    // Kill after a random amount of work (60-200 step executions), not of time: a fast machine
    // would otherwise finish every run before the last kill. 4 × 200 < the 1,000 steps to run.
    const target = (await stepsRun()) + 60 + Math.floor(Math.random() * 140);
    const deadline = Date.now() + 30_000;
    while (proc.child.exitCode === null && (await stepsRun()) < target && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (proc.child.exitCode !== null) break;
    proc.child.kill('SIGKILL');
    await proc.exited;
    await untilDisconnected(sql, redis, `${name}-child`);
    countHalts(proc.output());
    kills++;
    snapshots.push({ stored: await storedSteps(), counters: await readCounters() });
  }
  const last = startChild(kind, name, RUNS);
  const code = await Promise.race([last.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
  if (code !== 0) last.child.kill('SIGKILL');
  expect(code, last.errors().slice(-2000)).toBe(0);
  countHalts(last.output());

  const counters = await readCounters();
  let completed = 0;
  for (const runId of ids) if ((await store.getRun(runId))?.status === 'completed') completed++;
  // A step stored before a kill never runs again: its counter did not move after the snapshot.
  let checkedStored = 0;
  for (const snap of snapshots) {
    for (const k of snap.stored) {
      checkedStored++;
      expect(counters.get(k), k).toBe(snap.counters.get(k));
    }
  }
  // A step interrupted by a kill (its side effect happened in the killed process, its result was
  // not stored) runs once more; every other step runs exactly once.
  const interruptions = new Map<string, number>();
  let previous = new Map<string, number>();
  for (const snap of snapshots) {
    let inFlight = 0;
    for (const [k, n] of snap.counters) {
      if (n > (previous.get(k) ?? 0) && !snap.stored.has(k)) {
        interruptions.set(k, (interruptions.get(k) ?? 0) + 1);
        inFlight++;
      }
    }
    // One kill interrupts at most one step per concurrently executing run.
    expect(inFlight).toBeLessThanOrEqual(CONCURRENCY);
    previous = snap.counters;
  }
  // At most once more per interruption: a result whose write was already on its way to the
  // store when the process died may land after the snapshot, and then the step is not re-run.
  // An execution that halted because its lease lapsed (a stalled machine) may re-run one step.
  for (const [k, n] of counters) {
    expect(n, k).toBeGreaterThanOrEqual(1);
    expect(n, k).toBeLessThanOrEqual(1 + (interruptions.get(k) ?? 0) + (halts.get(k.split('/')[0]!) ?? 0));
  }
  const values = [...counters.values()];
  const once = values.filter((n) => n === 1).length;
  const twice = values.filter((n) => n === 2).length;
  const more = values.filter((n) => n > 2).length;
  expect(counters.size).toBe(RUNS * 5);
  expect(kills).toBe(KILLS);
  const report = {
    store: kind,
    runs: RUNS,
    completed,
    kills,
    stepsRunOnce: once,
    stepsRunTwice: twice,
    stepsInterruptedTwice: more,
    interrupted: interruptions.size,
    haltedExecutions: [...halts.values()].reduce((a, b) => a + b, 0),
    checkedStored,
  };
  console.log(`crash-resume ${JSON.stringify(report)}`);
  return report;
}

/**
 * Waits until the servers have closed the killed child's connections. A query the child sent just
 * before it died still runs on the server; reading the counters before it lands would miss a side
 * effect that did happen before the kill.
 */
async function untilDisconnected(sql: Sql, redis: Redis | undefined, clientName: string) {
  const end = Date.now() + 10_000;
  for (;;) {
    const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${clientName}`;
    const redisClients = redis
      ? String(await redis.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => line.includes(` name=${clientName} `)).length
      : 0;
    const n = Number(row?.n ?? 0);
    if (n === 0 && redisClients === 0) return;
    if (Date.now() > end)
      throw new Error(`the killed child's connections stayed open: ${n} PostgreSQL, ${redisClients} Redis`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
