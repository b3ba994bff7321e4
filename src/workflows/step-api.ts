import type { Envelope } from '../bus/types.js';
import { isIntegrationError } from '../errors/integration-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { WorkflowError } from '../errors/workflow-error.js';
import { assertObject, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import { toJson } from '../internal/json.js';
import { type ExecState, halt } from './core.js';
import {
  assertRetry,
  type StepApi,
  type StepContext,
  type StepRunOptions,
  type WaitForEventOptions,
  type Workflow,
} from './define.js';
import { parseDuration } from './duration.js';
import { cancelledError, stepError } from './errors.js';
import { assertPath, readPath } from './path.js';
import { withRetry } from './retry-loop.js';
import { isFinal, type StepRecord } from './store.js';

/** A promise that never settles: an abandoned handler is garbage-collected with it. */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});

const parse = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));

/** True when `text` contains a control character (newline, NUL, ...). */
const hasControl = (text: string): boolean => [...text].some((c) => c.charCodeAt(0) < 32);

const PERMANENT = new Set(['VALIDATION', 'NOT_SERIALIZABLE', 'CONFIG', 'NOT_FOUND', 'CONFLICT']);

type Outcome<T> = { value: T } | { error: unknown } | { halt: true };

/** Builds the `step` object of one execution. Internal. */
export function createStepApi(state: ExecState): StepApi {
  const { core } = state;
  const { store, clock } = core;
  const runId = state.lease.runId;
  const workflow = state.workflow.name;

  function nextId(id: unknown): string {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200 || id.startsWith('~') || hasControl(id)) {
      throw new WorkflowError('step id must be 1-200 printable characters, not starting with "~"', {
        details: { runId, workflow },
      });
    }
    const n = state.counts.get(id) ?? 0;
    state.counts.set(id, n + 1);
    const stepId = n === 0 ? id : `${id}:${n}`;
    // A repeated id is numbered `id:1`, `id:2`...: an explicit id of that form would share its record.
    if (state.ids.has(stepId)) {
      throw new WorkflowError(
        `step id "${stepId}" is used twice in this run: "${id}" repeated takes the ids "${id}:1", "${id}:2"..., so give the steps ids that differ`,
        { details: { runId, workflow, stepId } },
      );
    }
    state.ids.add(stepId);
    return stepId;
  }

  const stopped = () => state.halted !== undefined || state.suspension !== undefined || state.closing;

  function checkpoint(): void {
    if (state.cancelRequested) {
      state.cancelled = true;
      throw cancelledError(runId);
    }
    if (state.deadline !== undefined && clock.now() >= state.deadline) {
      throw new TimeoutError('workflow run timed out', { details: { runId, workflow } });
    }
  }

  async function save(step: StepRecord): Promise<boolean> {
    try {
      await store.saveStep(state.lease, step, clock.now());
      state.stored.set(step.stepId, step);
      return true;
    } catch (error) {
      halt(state, error);
      return false;
    }
  }

  function completed(step: StepRecord): void {
    core.publish('workflow.step_completed', {
      workflow,
      runId,
      stepId: step.stepId,
      attempts: step.attempts,
      durationMs: step.durationMs,
    });
  }

  function suspend(status: 'sleeping' | 'waiting', wakeAt: number | null): Promise<never> {
    const capped = state.deadline === undefined ? wakeAt : Math.min(wakeAt ?? state.deadline, state.deadline);
    const prev = state.suspension;
    state.suspension = prev
      ? {
          status: prev.status === 'waiting' || status === 'waiting' ? 'waiting' : 'sleeping',
          wakeAt: prev.wakeAt === null ? capped : capped === null ? prev.wakeAt : Math.min(prev.wakeAt, capped),
        }
      : { status, wakeAt: capped };
    state.wakeRace();
    return never();
  }

  /** Registers the step's `compensate` (if any) with its result, for a later failure; returns the result. */
  function compensable<T>(stepId: string, value: T, options: StepRunOptions<T> | undefined): T {
    const compensate = options?.compensate as ((r: unknown, c: StepContext) => unknown) | undefined;
    if (compensate) state.compensations.push({ stepId, result: value, fn: compensate });
    return value;
  }

  function track<T>(work: Promise<Outcome<T>>): Promise<T> {
    state.inflight.add(work);
    void work.then(() => state.inflight.delete(work));
    return work.then((o) => ('halt' in o ? never<T>() : 'error' in o ? Promise.reject(o.error) : o.value));
  }

  async function execute<T>(
    stepId: string,
    fn: (ctx: StepContext) => Promise<T> | T,
    options?: StepRunOptions<T>,
  ): Promise<Outcome<T>> {
    const startedAt = clock.now();
    const attempted = await withRetry(
      fn,
      options?.retry ?? state.workflow.options.retry,
      state.controller.signal,
      clock,
    );
    if (state.halted !== undefined) return { halt: true };
    const now = clock.now();
    const base = { stepId, attempts: attempted.attempts, durationMs: now - startedAt, startedAt, completedAt: now };
    let failure: unknown = attempted.ok ? undefined : attempted.error;
    let json: string | undefined;
    if (attempted.ok && attempted.value !== undefined) {
      try {
        json = toJson(attempted.value, `step "${stepId}" result`);
      } catch (cause) {
        failure = cause;
      }
    }
    if (failure === undefined) {
      const record: StepRecord = { ...base, state: 'completed', result: json };
      if (!(await save(record))) return { halt: true };
      completed(record);
      return { value: compensable(stepId, parse(json) as T, options) };
    }
    const info = errorInfo(failure);
    if (!(await save({ ...base, state: 'failed', error: info }))) return { halt: true };
    return { error: stepError(stepId, info, attempted.attempts, failure) };
  }

  async function sleepTo(stepId: string, wakeAtFrom: (now: number) => number): Promise<void> {
    const rec = state.stored.get(stepId);
    if (rec?.state === 'completed') return;
    if (stopped()) return never();
    checkpoint();
    const now = clock.now();
    const startedAt = rec?.startedAt ?? now;
    const wakeAt = rec?.wakeAt ?? wakeAtFrom(now);
    if (now >= wakeAt) {
      const record: StepRecord = {
        stepId,
        state: 'completed',
        attempts: 1,
        durationMs: now - startedAt,
        startedAt,
        completedAt: now,
        wakeAt,
      };
      if (!(await save(record))) return never();
      completed(record);
      return;
    }
    if (!rec && !(await save({ stepId, state: 'sleeping', attempts: 1, durationMs: 0, startedAt, wakeAt })))
      return never();
    return suspend('sleeping', wakeAt);
  }

  async function waitForEvent<D>(id: string, options: WaitForEventOptions<D>): Promise<Envelope<string, D> | null> {
    const stepId = nextId(id);
    if (typeof options?.type !== 'string' || options.type.length === 0)
      configError('waitForEvent type must be a non-empty string');
    const timeoutMs = parseDuration(options.timeoutMs, 'waitForEvent timeoutMs');
    const match = options.match;
    if (match !== undefined && typeof match !== 'function') assertPath(match);
    let rec = state.stored.get(stepId);
    if (rec?.state === 'completed') return parse(rec.result) as Envelope<string, D> | null;
    if (stopped()) return never();
    checkpoint();
    state.unwatch.push(core.watch(options.type, runId, stepId));
    const now = clock.now();
    if (!rec) {
      let matchValue: string | undefined;
      if (typeof match === 'string') {
        const expected = readPath({ data: state.input }, match);
        if (expected === undefined) configError(`waitForEvent match path "${match}" is undefined in the run's input`);
        matchValue = toJson(expected);
      }
      rec = {
        stepId,
        state: 'waiting',
        attempts: 1,
        durationMs: 0,
        startedAt: now,
        wakeAt: now + timeoutMs,
        eventType: options.type,
        matchPath: typeof match === 'string' ? match : undefined,
        matchValue,
      };
      if (!(await save(rec))) return never();
    }
    let events: string[];
    try {
      events = await store.inbox(runId, stepId);
    } catch (error) {
      halt(state, error);
      return never();
    }
    for (const text of events) {
      const envelope = JSON.parse(text) as Envelope<string, D>;
      const ok =
        typeof match === 'function'
          ? match(envelope.data)
          : typeof match === 'string'
            ? toJson(readPath(envelope, match) ?? null) === rec.matchValue
            : true;
      if (!ok) continue;
      const done = clock.now();
      const record: StepRecord = {
        ...rec,
        state: 'completed',
        result: text,
        durationMs: done - rec.startedAt,
        completedAt: done,
      };
      if (!(await save(record))) return never();
      completed(record);
      return envelope;
    }
    state.inboxSeen.set(stepId, events.length);
    const wakeAt = rec.wakeAt ?? now;
    if (clock.now() >= wakeAt) {
      const done = clock.now();
      const record: StepRecord = {
        ...rec,
        state: 'completed',
        result: 'null',
        durationMs: done - rec.startedAt,
        completedAt: done,
      };
      if (!(await save(record))) return never();
      completed(record);
      return null;
    }
    return suspend('waiting', wakeAt);
  }

  async function invoke<I, O>(id: string, child: Workflow<I, O>, input: I): Promise<O> {
    const stepId = nextId(id);
    if (typeof child?.handler !== 'function') configError('step.invoke needs a workflow from defineWorkflow');
    const rec = state.stored.get(stepId);
    if (rec?.state === 'completed') return parse(rec.result) as O;
    if (rec?.state === 'failed') throw stepError(stepId, rec.error, rec.attempts);
    if (stopped()) return never();
    checkpoint();
    const now = clock.now();
    const childRunId = rec?.childRunId ?? `${runId}/${stepId}`;
    const base: StepRecord = rec ?? {
      stepId,
      state: 'waiting',
      attempts: 1,
      durationMs: 0,
      startedAt: now,
      childRunId,
    };
    if (!rec && !(await save(base))) return never();
    try {
      await core.startChild(child as Workflow<unknown, unknown>, input, childRunId, runId);
    } catch (error) {
      // Bad child input fails the step for good; anything else (store down) halts the execution.
      if (!isIntegrationError(error) || !PERMANENT.has(error.code)) {
        halt(state, error);
        return never();
      }
      const info = errorInfo(error);
      if (!(await save({ ...base, state: 'failed', error: info, completedAt: clock.now() }))) return never();
      throw stepError(stepId, info, 1, error);
    }
    try {
      const run = await store.getRun(childRunId);
      if (run && isFinal(run.status)) {
        const done = clock.now();
        const end = { durationMs: done - base.startedAt, completedAt: done };
        if (run.status === 'completed') {
          const record: StepRecord = { ...base, ...end, state: 'completed', result: run.output };
          if (!(await save(record))) return never();
          completed(record);
          return parse(run.output) as O;
        }
        const info = run.error ?? errorInfo(cancelledError(childRunId));
        if (!(await save({ ...base, ...end, state: 'failed', error: info }))) return never();
        throw stepError(stepId, info, 1);
      }
    } catch (error) {
      if (error instanceof WorkflowError) throw error;
      halt(state, error);
      return never();
    }
    state.childWaits.push(childRunId);
    return suspend('waiting', null);
  }

  return {
    async run<T>(id: string, fn: (ctx: StepContext) => Promise<T> | T, options?: StepRunOptions<T>): Promise<T> {
      const stepId = nextId(id);
      if (typeof fn !== 'function') configError(`step "${stepId}" needs a function`);
      if (options !== undefined) {
        assertObject(`step "${stepId}" options`, options);
        assertRetry(options.retry, `step "${stepId}" retry`);
        if (options.compensate !== undefined && typeof options.compensate !== 'function')
          configError(`step "${stepId}" compensate must be a function`);
      }
      const rec = state.stored.get(stepId);
      if (rec?.state === 'completed') {
        return compensable(stepId, parse(rec.result) as T, options);
      }
      if (rec?.state === 'failed') throw stepError(stepId, rec.error, rec.attempts);
      if (stopped()) return never();
      checkpoint();
      return track(execute(stepId, fn, options));
    },
    async sleep(id, duration) {
      const stepId = nextId(id);
      const ms = parseDuration(duration, `step "${stepId}" duration`);
      return sleepTo(stepId, (now) => now + ms);
    },
    async sleepUntil(id, date) {
      const stepId = nextId(id);
      const at = date instanceof Date ? date.getTime() : typeof date === 'string' ? Date.parse(date) : date;
      if (typeof at !== 'number' || !Number.isFinite(at)) configError(`step "${stepId}" needs a valid date`);
      return sleepTo(stepId, () => at);
    },
    waitForEvent,
    invoke,
  };
}
