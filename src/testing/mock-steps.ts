import type { StepApi, StepContext, Workflow } from '../workflows/define.js';
import { defineWorkflow } from '../workflows/define.js';

/** What a step mock function receives: the step's context plus its id and the run's input. */
export interface StepMockContext extends StepContext {
  /** The stored step id (`'send'`, or `'send:1'` for the second `'send'` of a run). */
  stepId: string;
  /** The run's input. */
  input: unknown;
}

/**
 * A step's stand-in: a value the step returns, or a function computing it (a throw fails the
 * attempt, so the step's retries and the workflow's compensations run as in production).
 */
export type StepMock = unknown;

const has = (mocks: Record<string, StepMock>, key: string) => Object.hasOwn(mocks, key);

/**
 * Wraps `workflow` so that `step.run`, `step.invoke` and `step.waitForEvent` calls whose id is a
 * key of `mocks` run the mock instead (stored as an ordinary completed or failed step). A key
 * such as `'send:1'` targets one occurrence of a repeated id; `'send'` targets them all.
 * Internal to the testing module.
 */
export function mockSteps<I, O>(
  workflow: Workflow<I, O>,
  mocks: Record<string, StepMock>,
  used: Set<string>,
): Workflow<I, O> {
  return defineWorkflow<I, O>(
    workflow.name,
    (input, step, ctx) => {
      const counts = new Map<string, number>();
      // Mirrors the runner's numbering of repeated ids, so keys name the stored step ids.
      const mockOf = (id: string): { key: string; stepId: string } | undefined => {
        const n = counts.get(id) ?? 0;
        counts.set(id, n + 1);
        const stepId = n === 0 ? id : `${id}:${n}`;
        if (has(mocks, stepId)) return { key: stepId, stepId };
        if (has(mocks, id)) return { key: id, stepId };
        return undefined;
      };
      const stand = (key: string, stepId: string) => (c: StepContext) => {
        used.add(key);
        const mock = mocks[key];
        return typeof mock === 'function' ? mock({ signal: c.signal, attempt: c.attempt, stepId, input }) : mock;
      };
      const wrapped: StepApi = {
        run(id, fn, options) {
          const m = typeof id === 'string' ? mockOf(id) : undefined;
          return m ? step.run(id, stand(m.key, m.stepId) as typeof fn, options) : step.run(id, fn, options);
        },
        invoke(id, child, childInput) {
          const m = typeof id === 'string' ? mockOf(id) : undefined;
          return m ? (step.run(id, stand(m.key, m.stepId)) as Promise<never>) : step.invoke(id, child, childInput);
        },
        waitForEvent(id, options) {
          const m = typeof id === 'string' ? mockOf(id) : undefined;
          return m ? (step.run(id, stand(m.key, m.stepId)) as Promise<never>) : step.waitForEvent(id, options);
        },
        sleep(id, duration) {
          if (typeof id === 'string') mockOf(id);
          return step.sleep(id, duration);
        },
        sleepUntil(id, date) {
          if (typeof id === 'string') mockOf(id);
          return step.sleepUntil(id, date);
        },
      };
      return workflow.handler(input, wrapped, ctx);
    },
    workflow.options,
  );
}
