/**
 * Durable workflows: steps whose results are stored, durable sleeps, waiting for bus events,
 * child workflows and compensation, resumed after a crash by any runner sharing the store.
 * Web-standard: runs on edge runtimes with `memoryStore()`; Redis and PostgreSQL stores live in
 * `workflows/redis` and `workflows/postgres`.
 *
 * @example
 * ```ts
 * import { createWorkflowRunner, defineWorkflow, memoryStore } from '@wawagot/integrations/workflows';
 *
 * const welcome = defineWorkflow('welcome', async (input: { email: string }, step) => {
 *   const id = await step.run('create', () => crypto.randomUUID());
 *   await step.sleep('pause', '1h');
 *   return { id };
 * });
 * const runner = createWorkflowRunner({ store: memoryStore(), workflows: [welcome] });
 * const { runId } = await runner.start('welcome', { email: 'a@b.c' });
 * ```
 * @module
 */
export {
  defineWorkflow,
  type StepApi,
  type StepContext,
  type StepRetry,
  type StepRunOptions,
  type WaitForEventOptions,
  type Workflow,
  type WorkflowContext,
  type WorkflowHandler,
  type WorkflowOptions,
} from './define.js';
export { type Duration, parseDuration } from './duration.js';
export { type MemoryStoreOptions, memoryStore } from './memory-store.js';
export {
  createWorkflowRunner,
  type RunInfo,
  type StepInfo,
  type WorkflowBus,
  type WorkflowRunner,
  type WorkflowRunnerOptions,
} from './runner.js';
export {
  INBOX_LIMIT,
  isFinal,
  type Lease,
  type RunInit,
  type RunRecord,
  type RunStatus,
  type StepRecord,
  type StepState,
  type Waiter,
  type WorkflowStore,
} from './store.js';
