// Testing toolkit: wall time of a workflow that sleeps 7 days and then waits up to 1 hour for an
// event, driven by createTestClock (goal: < 100 ms per run).
//   node --expose-gc --import tsx bench/testing.bench.ts
import { createBus } from '../src/bus/index.js';
import { createTestClock, testWorkflow } from '../src/testing/index.js';
import { createWorkflowRunner, defineWorkflow, isFinal, memoryStore } from '../src/workflows/index.js';
import { markdownTable, recordResults } from './results.js';

const RUNS = Number(process.env.RUNS ?? 50);
const VIRTUAL_MS = 7 * 86_400_000 + 3_600_000;

const reminder = defineWorkflow('reminder', async (input: { userId: string }, step) => {
  const draft = await step.run('draft', () => ({ to: input.userId, text: 'still there?' }));
  await step.sleep('wait-a-week', '7d');
  const reply = await step.waitForEvent('reply', {
    type: 'reply.received',
    match: 'data.userId',
    timeoutMs: '1h',
  });
  return step.run('close', () => ({ ...draft, replied: reply !== null }));
});

type Scenario = { name: string; run: () => Promise<void> };

const scenarios: Scenario[] = [
  {
    name: 'testWorkflow, no reply (the 1 h wait times out)',
    async run() {
      const out = await testWorkflow(reminder, { userId: 'u1' });
      if (out.status !== 'completed' || (out.result as { replied: boolean }).replied) throw new Error('wrong outcome');
      if (out.elapsedMs !== VIRTUAL_MS) throw new Error(`virtual time ${out.elapsedMs}`);
    },
  },
  {
    name: 'testWorkflow, reply delivered while waiting',
    async run() {
      const out = await testWorkflow(
        reminder,
        { userId: 'u1' },
        { events: [{ type: 'reply.received', data: { userId: 'u1' } }] },
      );
      if (out.status !== 'completed' || !(out.result as { replied: boolean }).replied) throw new Error('wrong outcome');
    },
  },
  {
    name: 'createWorkflowRunner + clock.runNext() loop (no testWorkflow)',
    async run() {
      const clock = createTestClock();
      const store = memoryStore();
      const runner = createWorkflowRunner({ store, bus: createBus({ clock }), clock, workflows: [reminder] });
      const { runId } = await runner.start(reminder, { userId: 'u1' });
      for (let i = 0; i < 1000; i++) {
        const run = await store.getRun(runId);
        if (run && isFinal(run.status)) break;
        await clock.runNext();
      }
      const run = await store.getRun(runId);
      await runner.close();
      if (run?.status !== 'completed') throw new Error(`status ${run?.status}`);
    },
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? Number.NaN;
};

async function main() {
  const rows: Array<Array<string | number>> = [];
  for (const scenario of scenarios) {
    const coldStart = performance.now();
    await scenario.run();
    const cold = performance.now() - coldStart;
    globalThis.gc?.();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await scenario.run();
      times.push(performance.now() - t);
    }
    const med = median(times);
    const ratio = VIRTUAL_MS / med;
    rows.push([
      scenario.name,
      cold.toFixed(1),
      med.toFixed(2),
      p95(times).toFixed(2),
      `${ratio.toExponential(1)}×`,
      med < 100 ? 'yes' : 'NO',
    ]);
    console.log(
      `${scenario.name}: first run ${cold.toFixed(1)} ms, median ${med.toFixed(2)} ms, p95 ${p95(times).toFixed(2)} ms over ${RUNS} runs (${ratio.toExponential(1)}× faster than real time)`,
    );
  }
  const table = markdownTable(
    ['scenario (7 d sleep + 1 h event wait)', 'first run ms', 'median ms', 'p95 ms', 'vs real time', '< 100 ms'],
    rows,
  );
  console.log(`\n${table}`);
  recordResults(
    'testing',
    'Testing toolkit: a 7-day sleep and a 1-hour event wait under createTestClock',
    `Wall time of one run of a four-step workflow (\`step.run\`, \`step.sleep('7d')\`, \`step.waitForEvent\` with a 1 h timeout, \`step.run\`) on \`memoryStore\` under \`createTestClock\`; ${RUNS} runs after one first (cold) run. Goal: < 100 ms.\n\n${table}`,
  );
}

await main();
