import type { SystemEvents } from '../bus/system-events.js';
import type { Envelope, EventSink } from '../bus/types.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { WorkflowError } from '../errors/workflow-error.js';
import { systemClock } from '../internal/clock.js';
import { assertMethods, assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { toJson } from '../internal/json.js';
import { validateWith } from '../internal/schema.js';
import { abortErrorFrom, keepAlive } from '../internal/sleep.js';
import type { Clock, Logger } from '../types.js';
import type { RunnerCore } from './core.js';
import type { Workflow } from './define.js';
import { runError } from './errors.js';
import { createEventIntake } from './event-intake.js';
import { createScheduler } from './scheduler.js';
import { isFinal, type RunStatus, type StepState, type WorkflowStore } from './store.js';

/** A bus the runner publishes its events to and, for `waitForEvent`, listens on. */
export interface WorkflowBus extends EventSink {
  /** Registers a handler for every event (used by `step.waitForEvent`); returns the unsubscribe function. */
  subscribe(type: '*', handler: (envelope: Envelope) => void | Promise<void>): () => void;
}

/** Options of {@link createWorkflowRunner}. */
export interface WorkflowRunnerOptions {
  /** Where runs, steps, leases and waiting events live. */
  store: WorkflowStore;
  workflows: ReadonlyArray<Workflow<any, any>>;
  /** Receives `workflow.*` events; its events feed `step.waitForEvent`. */
  bus?: WorkflowBus | EventSink;
  /** Runs executed at once by this runner. @default 10 */
  concurrency?: number;
  /** Lease length; renewed every third of it while a run executes. @default 30000 */
  leaseMs?: number;
  /** How often `resume()` polls the store for due runs, and `result()` for foreign runs. @default 1000 */
  pollMs?: number;
  /** Name used in the lease owner id and log lines. @default 'runner' */
  name?: string;
  clock?: Clock;
  logger?: Logger;
}

/** A step as reported by `status()`. */
export interface StepInfo {
  id: string;
  state: StepState;
  attempts: number;
  durationMs: number;
  error?: SystemEvents['workflow.failed']['error'];
  wakeAt?: number;
}

/** What `status()` reports. */
export interface RunInfo {
  runId: string;
  workflow: string;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: SystemEvents['workflow.failed']['error'];
  cancelRequested: boolean;
  executions: number;
  createdAt: number;
  updatedAt: number;
  wakeAt?: number | null;
  steps: StepInfo[];
}

/** A durable workflow runner; several may share one store. */
export interface WorkflowRunner {
  /** Creates a run (idempotent per `runId`) and schedules it here. */
  start<I>(
    workflow: string | Workflow<I, unknown>,
    input: I,
    options?: { runId?: string },
  ): Promise<{ runId: string; created: boolean }>;
  /** Resolves with the run's output, or rejects with `WorkflowError` (failed/cancelled) or `TimeoutError`. */
  result<O = unknown>(runId: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<O>;
  /** The run with its per-step records; `NotFoundError` for an unknown id. */
  status(runId: string): Promise<RunInfo>;
  /** Requests cancellation: takes effect at the next step, runs compensations, ends `cancelled`. */
  cancel(runId: string): Promise<RunStatus>;
  /** Claims every due unfinished run now and keeps polling every `pollMs`; resolves with how many were claimed now. */
  resume(): Promise<number>;
  /** Stops polling, lets running steps finish, releases leases. */
  close(): Promise<void>;
}

/**
 * Creates a workflow runner over a store. Call `resume()` once at startup in every process that
 * should pick up unfinished, due or abandoned runs.
 *
 * @example
 * ```ts
 * const runner = createWorkflowRunner({ store: memoryStore(), bus, workflows: [onboarding] });
 * await runner.resume();
 * const { runId } = await runner.start('onboarding', { email: 'a@b.c' });
 * console.log(await runner.result(runId, { timeoutMs: 60_000 }));
 * ```
 */
export function createWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  const store = options?.store;
  if (!store || typeof store.claim !== 'function') configError('createWorkflowRunner needs a store');
  if (!Array.isArray(options.workflows)) configError('workflows must be an array of defineWorkflow() results');
  const concurrency = assertNumber('concurrency', options.concurrency ?? 10, { min: 1, integer: true });
  // Capped at the largest timer delay: a longer one fires after 1 ms (a polling storm).
  const leaseMs = assertNumber('leaseMs', options.leaseMs ?? 30_000, { min: 10, max: 2_147_483_647 });
  const pollMs = assertNumber('pollMs', options.pollMs ?? 1000, { min: 1, max: 2_147_483_647 });
  const { bus, logger } = options;
  assertMethods('createWorkflowRunner: bus', bus, ['publish']);
  assertMethods('createWorkflowRunner: logger', logger, ['warn', 'error']);
  assertMethods('createWorkflowRunner: clock', options.clock, ['now', 'setTimeout', 'clearTimeout']);
  const clock = options.clock ?? systemClock;
  const workflows = new Map<string, Workflow<unknown, unknown>>();
  for (const wf of options.workflows) {
    if (typeof wf?.handler !== 'function') configError('workflows must be defineWorkflow() results');
    if (workflows.has(wf.name) && workflows.get(wf.name) !== wf)
      configError(`workflow "${wf.name}" is registered twice`);
    workflows.set(wf.name, wf);
  }
  const owner = `${options.name ?? 'runner'}-${crypto.randomUUID().slice(0, 8)}`;
  const listeners = new Map<string, Set<() => void>>();

  const core: RunnerCore = {
    store,
    clock,
    logger,
    owner,
    leaseMs,
    workflows,
    publish(type, data) {
      bus
        ?.publish(type, data)
        .catch((error: unknown) => logger?.warn({ type, error: errorInfo(error) }, 'event publish failed'));
    },
    async startChild(workflow, input, runId, parentRunId) {
      if (!workflows.has(workflow.name)) workflows.set(workflow.name, workflow);
      await create(workflow, input, runId, parentRunId);
    },
    watch: (type, runId, stepId) => intake.watch(type, runId, stepId),
    kick: (runId) => scheduler.kick(runId),
    scheduleWake: (runId, wakeAt) => scheduler.scheduleWake(runId, wakeAt),
    finished(runId, parentRunId) {
      for (const notify of listeners.get(runId) ?? []) notify();
      if (parentRunId !== undefined) {
        store.wake(parentRunId, clock.now()).then(
          () => scheduler.kick(parentRunId),
          (error: unknown) => logger?.warn({ runId: parentRunId, error: errorInfo(error) }, 'parent wake failed'),
        );
      }
    },
  };
  const intake = createEventIntake(core, bus);
  const scheduler = createScheduler(core, {
    concurrency,
    pollMs,
    workflowNames: () => [...workflows.keys()],
    onPoll: () => intake.refresh(),
  });

  async function create(workflow: Workflow<unknown, unknown>, input: unknown, runId: string, parentRunId?: string) {
    const value = workflow.options.schema
      ? await validateWith(workflow.options.schema, input, `workflow "${workflow.name}" input`)
      : input;
    let json: string;
    try {
      json = toJson(value === undefined ? null : value, `workflow "${workflow.name}" input`);
    } catch (cause) {
      throw new WorkflowError(`workflow "${workflow.name}" input is not JSON-serialisable`, {
        code: 'NOT_SERIALIZABLE',
        cause,
      });
    }
    const { run, created } = await store.createRun({
      runId,
      workflow: workflow.name,
      input: json,
      parentRunId,
      now: clock.now(),
    });
    if (run.workflow !== workflow.name) {
      throw new ConflictError(`run ${runId} belongs to workflow "${run.workflow}"`, { details: { runId } });
    }
    if (!isFinal(run.status)) scheduler.kick(runId);
    return { runId, created };
  }

  function waitForChange(runId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = listeners.get(runId) ?? new Set();
      listeners.set(runId, set);
      const done = () => {
        clock.clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) listeners.delete(runId);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = clock.setTimeout(done, ms);
      // The caller awaits this: hold the process open (the runner's own timers never do).
      keepAlive(timer);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  return {
    async start(workflow, input, startOptions) {
      const wf = typeof workflow === 'string' ? workflows.get(workflow) : workflow;
      if (typeof workflow === 'string' && !wf)
        throw new NotFoundError(`unknown workflow "${workflow}"`, { details: { workflow } });
      if (typeof wf?.handler !== 'function' || typeof wf.name !== 'string')
        configError('start takes a workflow name or a defineWorkflow() result');
      if (!workflows.has(wf.name)) workflows.set(wf.name, wf as Workflow<unknown, unknown>);
      const runId = startOptions?.runId ?? crypto.randomUUID();
      if (typeof runId !== 'string' || !/^[\w.:/@-]{1,200}$/.test(runId)) {
        configError('runId must be 1-200 characters of letters, digits, _ . : / @ -');
      }
      return create(wf as Workflow<unknown, unknown>, input, runId);
    },
    async result<O>(runId: string, resultOptions?: { timeoutMs?: number; signal?: AbortSignal }): Promise<O> {
      const { timeoutMs, signal } = resultOptions ?? {};
      assertMethods('result options.signal', signal, ['addEventListener', 'removeEventListener']);
      const deadline = timeoutMs === undefined ? undefined : clock.now() + assertNumber('timeoutMs', timeoutMs);
      for (;;) {
        if (signal?.aborted) throw abortErrorFrom(signal);
        const run = await store.getRun(runId);
        if (!run) throw new NotFoundError(`unknown workflow run ${runId}`, { details: { runId } });
        if (run.status === 'completed') return (run.output === undefined ? undefined : JSON.parse(run.output)) as O;
        if (isFinal(run.status)) throw runError(runId, run.workflow, run.status, run.error);
        const left = deadline === undefined ? pollMs : Math.min(pollMs, deadline - clock.now());
        if (left <= 0)
          throw new TimeoutError(`workflow run ${runId} did not finish in ${timeoutMs} ms`, { details: { runId } });
        await waitForChange(runId, left, signal);
      }
    },
    async status(runId) {
      const run = await store.getRun(runId);
      if (!run) throw new NotFoundError(`unknown workflow run ${runId}`, { details: { runId } });
      const steps = await store.getSteps(runId);
      const info: RunInfo = {
        runId,
        workflow: run.workflow,
        status: run.status,
        input: JSON.parse(run.input),
        cancelRequested: run.cancelRequested,
        executions: run.executions,
        createdAt: run.createdAt,
        updatedAt: run.updatedAt,
        steps: steps.map((s) => ({
          id: s.stepId,
          state: s.state,
          attempts: s.attempts,
          durationMs: s.durationMs,
          ...(s.error ? { error: s.error } : {}),
          ...(s.wakeAt !== undefined ? { wakeAt: s.wakeAt } : {}),
        })),
      };
      if (run.output !== undefined) info.output = JSON.parse(run.output);
      if (run.error !== undefined) info.error = run.error;
      if (run.wakeAt !== undefined) info.wakeAt = run.wakeAt;
      return info;
    },
    async cancel(runId) {
      const run = await store.requestCancel(runId, clock.now());
      if (!run) throw new NotFoundError(`unknown workflow run ${runId}`, { details: { runId } });
      if (!isFinal(run.status)) {
        scheduler.live(runId)?.cancel();
        scheduler.kick(runId);
      }
      return run.status;
    },
    async resume() {
      await intake.refresh();
      return scheduler.startPolling();
    },
    async close() {
      intake.close();
      await scheduler.close();
    },
  };
}
