import { describe, expect, it } from 'vitest';
import { createWorkflowRunner, defineWorkflow, memoryStore } from '../../src/workflows/index.js';

describe('a run timeout beyond the largest timer delay', () => {
  it('does not abort the run at once (a 30-day timeout on the real clock)', async () => {
    // setTimeout fires after 1 ms for delays past 2^31 - 1 ms (24.8 days): before, a 30-day
    // timeoutMs aborted every step's signal immediately.
    const onboarding = defineWorkflow(
      'onboarding',
      async (_input: null, step) =>
        step.run('call', async ({ signal }) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return signal.aborted ? 'aborted' : 'ran';
        }),
      { timeoutMs: '30d' },
    );
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [onboarding] });
    const { runId } = await runner.start(onboarding, null);
    expect(await runner.result(runId, { timeoutMs: 5000 })).toBe('ran');
    await runner.close();
  });
});
