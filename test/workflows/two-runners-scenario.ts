import { expect } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { createWorkflowRunner, defineWorkflow, type WorkflowStore } from '../../src/workflows/index.js';

const RUNS = 500;

/** Two runners share one store and race for the same 500 runs. */
export async function runTwoRunners(store: WorkflowStore) {
  const executions = new Map<string, number>();
  const completions = new Map<string, number>();
  const wf = defineWorkflow('shared', async (_input: null, step, ctx) => {
    const results: string[] = [];
    for (let s = 0; s < 3; s++) {
      results.push(
        await step.run(`s${s}`, async () => {
          const key = `${ctx.runId}/s${s}`;
          executions.set(key, (executions.get(key) ?? 0) + 1);
          return crypto.randomUUID();
        }),
      );
    }
    return results;
  });
  const started = { a: 0, b: 0 };
  const make = (name: 'a' | 'b') => {
    const bus = createBus();
    bus.subscribe('workflow.started', () => {
      started[name]++;
    });
    bus.subscribe('workflow.completed', (e) => {
      completions.set(e.data.runId, (completions.get(e.data.runId) ?? 0) + 1);
    });
    return createWorkflowRunner({ store, bus, name, workflows: [wf], concurrency: 16, leaseMs: 30_000, pollMs: 50 });
  };
  const a = make('a');
  const b = make('b');
  const ids = Array.from({ length: RUNS }, (_, i) => `shared-${i}`);
  await Promise.all([a.resume(), b.resume()]);
  await Promise.all([
    (async () => {
      for (const runId of ids) await a.start(wf, null, { runId });
    })(),
    (async () => {
      for (const runId of [...ids].reverse()) await b.start(wf, null, { runId });
    })(),
  ]);
  const outputs = await Promise.all(ids.map((runId) => a.result<string[]>(runId, { timeoutMs: 60_000 })));
  await new Promise((r) => setTimeout(r, 100));
  await Promise.all([a.close(), b.close()]);

  expect([...completions.values()].every((n) => n === 1)).toBe(true);
  expect(completions.size).toBe(RUNS);
  // Both runners did part of the work.
  expect(started.a).toBeGreaterThan(0);
  expect(started.b).toBeGreaterThan(0);
  expect(executions.size).toBe(RUNS * 3);
  expect([...executions.values()].every((n) => n === 1)).toBe(true);
  // Every stored step result is the one the run's handler received: nothing was overwritten.
  let compared = 0;
  for (const [i, runId] of ids.entries()) {
    const steps = await store.getSteps(runId);
    expect(steps.map((s) => JSON.parse(s.result ?? 'null'))).toEqual(outputs[i]);
    compared += steps.length;
  }
  console.log(`two-runners ${JSON.stringify({ runs: RUNS, executedByA: started.a, executedByB: started.b })}`);
  return { runs: RUNS, completions: completions.size, compared };
}
