import { createBus } from '../bus/create-bus.js';
import type { ErrorInfo } from '../bus/system-events.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { assertNumber, assertObject, configError } from '../internal/config.js';
import type { Workflow } from '../workflows/define.js';
import { type Duration, parseDuration } from '../workflows/duration.js';
import { memoryStore } from '../workflows/memory-store.js';
import { createWorkflowRunner, type WorkflowBus } from '../workflows/runner.js';
import {
  isFinal,
  type RunRecord,
  type RunStatus,
  type StepRecord,
  type StepState,
  type WorkflowStore,
} from '../workflows/store.js';
import { mockSteps, type StepMock } from './mock-steps.js';
import { createTestClock, settle, type TestClock } from './test-clock.js';

/** An event `testWorkflow` publishes on the run's bus. */
export interface TestWorkflowEvent {
  type: string;
  data?: unknown;
  /**
   * Publish this long (test-clock time) after the start, whether or not the run waits for it.
   * Without it the event is published as soon as the run waits for an event of its `type`.
   */
  afterMs?: Duration;
}

/** Options of {@link testWorkflow}. */
export interface TestWorkflowOptions {
  /** Step stand-ins by step id: a value, or `(ctx) => value` (`ctx` = `{ signal, attempt, stepId, input }`). */
  steps?: Record<string, StepMock>;
  /** Events delivered to the run, in order. */
  events?: readonly TestWorkflowEvent[];
  /** The clock the runner (and your own components) run on. @default createTestClock() */
  clock?: TestClock;
  /** The bus the runner publishes to and listens on (e.g. one you record). @default createBus({ clock }) */
  bus?: WorkflowBus;
  /** Child workflows `step.invoke` may start, registered up front. */
  workflows?: ReadonlyArray<Workflow<any, any>>;
  /** Run id. @default a random UUID */
  runId?: string;
  /** Stops with `CONFIG` after firing this many timers (a loop that never ends). @default 10000 */
  maxTimers?: number;
  /** Real milliseconds a running step may take without finishing before `TimeoutError`. @default 5000 */
  realTimeoutMs?: number;
  /**
   * Real milliseconds a running step must stay idle before the clock moves on (to its retry
   * backoff, or a policy wait on the same clock). A step doing real I/O with a client on this
   * clock (its timeout timer pending) needs the I/O to finish within this. @default 10
   */
  idleMs?: number;
}

/** One step of a finished test run. */
export interface TestWorkflowStep {
  id: string;
  state: StepState;
  attempts: number;
  /** The stored result (JSON round-trip); `waitForEvent` steps hold the envelope or `null`. */
  output?: unknown;
  error?: ErrorInfo;
}

/** What {@link testWorkflow} returns. */
export interface TestWorkflowResult<O = unknown> {
  runId: string;
  /** `completed`, `failed` or `cancelled`; `waiting`/`sleeping` when nothing more could wake the run. */
  status: RunStatus;
  /** The workflow's output when it completed. */
  result: O | undefined;
  /** Secret-free summary of the failure when it failed. */
  error?: ErrorInfo;
  /** Steps in the order they were first stored (compensations excluded). */
  steps: TestWorkflowStep[];
  /** Compensations that ran, in the order they ran; `id` is the compensated step's id. */
  compensations: TestWorkflowStep[];
  /** Test-clock milliseconds between start and end. */
  elapsedMs: number;
  /** Keys of `steps` that matched no step: a typo lets the real step run. */
  unusedMocks: string[];
  /** Events of `events` that were never published. */
  undeliveredEvents: TestWorkflowEvent[];
}

const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const COMPENSATE = '~compensate:';

/** A run and its descendants (child runs of `step.invoke`), each with its steps. */
async function tree(
  store: WorkflowStore,
  runId: string,
  depth = 0,
): Promise<Array<{ run: RunRecord; steps: StepRecord[] }>> {
  const run = await store.getRun(runId);
  if (!run) return [];
  const steps = await store.getSteps(runId);
  const out = [{ run, steps }];
  if (depth > 20) return out;
  for (const s of steps) if (s.childRunId) out.push(...(await tree(store, s.childRunId, depth + 1)));
  return out;
}

function toStep(record: StepRecord, id: string): TestWorkflowStep {
  const step: TestWorkflowStep = { id, state: record.state, attempts: record.attempts };
  if (record.result !== undefined) step.output = JSON.parse(record.result);
  if (record.error !== undefined) step.error = record.error;
  return step;
}

/**
 * Runs `workflow` to its end on a `memoryStore` and a test clock, with chosen steps mocked and
 * events delivered, and reports what happened. Sleeps and event timeouts pass in test-clock
 * time: a workflow that sleeps 7 days finishes in milliseconds.
 *
 * Time moves only when the run makes no progress on its own: while it is parked (sleep, event
 * wait) the next timer fires at once; while a step runs, time moves after the step has been
 * idle for `idleMs` of real time (retry backoff, a policy's wait on the same clock). Mock the
 * steps that call real services: that is what `steps` is for.
 *
 * @example
 * ```ts
 * const { result, steps, compensations } = await testWorkflow(onboarding, { email: 'a@b.c' }, {
 *   steps: { 'create-user': { id: 'u_1' }, 'send-tips': () => { throw new Error('smtp down'); } },
 *   events: [{ type: 'user.verified', data: { email: 'a@b.c' } }],
 * });
 * expect(steps.map((s) => s.id)).toEqual(['create-user', 'verified', 'wait-a-day', 'send-tips']);
 * ```
 */
export async function testWorkflow<I, O>(
  workflow: Workflow<I, O>,
  input: I,
  options: TestWorkflowOptions = {},
): Promise<TestWorkflowResult<O>> {
  if (typeof workflow?.handler !== 'function') configError('testWorkflow needs a workflow from defineWorkflow');
  const mocks = options.steps ?? {};
  assertObject('testWorkflow: steps', mocks);
  const events = options.events ?? [];
  if (!Array.isArray(events)) configError('testWorkflow: events must be an array');
  for (const e of events) {
    if (typeof e?.type !== 'string' || e.type.length === 0) configError('testWorkflow: every event needs a type');
    if (e.afterMs !== undefined) parseDuration(e.afterMs, `event "${e.type}" afterMs`);
  }
  const clock = options.clock ?? createTestClock();
  if (typeof clock.runNext !== 'function') configError('testWorkflow: clock must come from createTestClock()');
  const maxTimers = assertNumber('testWorkflow maxTimers', options.maxTimers ?? 10_000, { min: 1, integer: true });
  const realTimeoutMs = assertNumber('testWorkflow realTimeoutMs', options.realTimeoutMs ?? 5_000, { min: 1 });
  const idleMs = assertNumber('testWorkflow idleMs', options.idleMs ?? 10, { min: 0 });
  const bus = options.bus ?? (createBus({ clock }) as unknown as WorkflowBus);
  const store = memoryStore();
  const used = new Set<string>();
  const wrapped = mockSteps(workflow, mocks, used);
  const runner = createWorkflowRunner({ store, bus, clock, workflows: [wrapped, ...(options.workflows ?? [])] });

  const publishing = new Set<Promise<unknown>>();
  const publish = (e: TestWorkflowEvent) => {
    const p = bus.publish(e.type as never, e.data as never).catch(() => undefined);
    publishing.add(p);
    void p.then(() => publishing.delete(p));
    return p;
  };
  const queued = events.filter((e) => e.afterMs === undefined);
  const timed = new Map<unknown, TestWorkflowEvent>();
  const startedAt = clock.now();

  try {
    const { runId } = await runner.start(wrapped, input, options.runId === undefined ? {} : { runId: options.runId });
    for (const e of events) {
      if (e.afterMs === undefined) continue;
      const handle = clock.setTimeout(() => {
        timed.delete(handle);
        void publish(e);
      }, parseDuration(e.afterMs));
      timed.set(handle, e);
    }
    let fired = 0;
    let idleSince = Date.now();
    let firedAt = 0;
    let last = '';
    for (;;) {
      await settle();
      if (publishing.size > 0) await Promise.all([...publishing]);
      const run = await store.getRun(runId);
      if (!run) throw new NotFoundError(`testWorkflow: run ${runId} vanished`, { details: { runId } });
      if (isFinal(run.status)) break;
      const runs = await tree(store, runId);
      const waited = new Set<string>();
      for (const { run: r, steps } of runs) {
        if (r.status !== 'waiting') continue;
        for (const s of steps) if (s.state === 'waiting' && s.eventType) waited.add(s.eventType);
      }
      const index = queued.findIndex((e) => waited.has(e.type));
      if (index >= 0) {
        await publish(queued.splice(index, 1)[0] as TestWorkflowEvent);
        continue;
      }
      const running = runs.some(({ run: r }) => r.status === 'running' || r.status === 'pending');
      if (running) {
        // A step is executing: give it real time before moving the clock.
        const print = runs
          .map(
            ({ run: r, steps }) => `${r.status}|${steps.map((s) => `${s.stepId}:${s.state}:${s.attempts}`).join(',')}`,
          )
          .join(';');
        if (print !== last) {
          last = print;
          idleSince = Date.now();
          continue;
        }
        if (Date.now() - idleSince > realTimeoutMs) {
          throw new TimeoutError(
            `testWorkflow: a step of run ${runId} made no progress for ${realTimeoutMs} ms of real time`,
            {
              details: { runId },
            },
          );
        }
        if (Date.now() - Math.max(idleSince, firedAt) < idleMs || clock.pending() === 0) {
          await realDelay(1);
          continue;
        }
      }
      if (clock.pending() > 0) {
        if (++fired > maxTimers) {
          configError(`testWorkflow fired ${maxTimers} timers and run ${runId} is still ${run.status}`);
        }
        await clock.runNext();
        firedAt = Date.now();
        continue;
      }
      break; // parked with nothing left that could wake it
    }

    const run = await store.getRun(runId);
    const records = await store.getSteps(runId);
    const result: TestWorkflowResult<O> = {
      runId,
      status: run?.status ?? 'failed',
      result: run?.output === undefined ? undefined : (JSON.parse(run.output) as O),
      steps: records.filter((s) => !s.stepId.startsWith(COMPENSATE)).map((s) => toStep(s, s.stepId)),
      compensations: records
        .filter((s) => s.stepId.startsWith(COMPENSATE))
        .map((s) => toStep(s, s.stepId.slice(COMPENSATE.length))),
      elapsedMs: clock.now() - startedAt,
      unusedMocks: Object.keys(mocks).filter((k) => !used.has(k)),
      undeliveredEvents: [...queued, ...timed.values()],
    };
    if (run?.error !== undefined) result.error = run.error;
    return result;
  } finally {
    for (const handle of timed.keys()) clock.clearTimeout(handle);
    await runner.close();
  }
}
