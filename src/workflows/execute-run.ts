import { TimeoutError } from '../errors/timeout-error.js';
import { errorInfo } from '../internal/error-info.js';
import { toJson } from '../internal/json.js';
import { type ExecState, halt, type RunnerCore, timerAt } from './core.js';
import { parseDuration } from './duration.js';
import { cancelledError, stepError } from './errors.js';
import { withRetry } from './retry-loop.js';
import { createStepApi } from './step-api.js';
import { isFinal, type Lease, type StepRecord } from './store.js';

/** Handle the runner keeps for a live execution. Internal. */
export interface LiveRun {
  cancel(): void;
  /** Starts no new step, lets running ones finish, then releases the lease. */
  close(): void;
}

/**
 * Executes one claimed run until it completes, fails, suspends (sleep, event, child) or halts
 * (lease lost, store failure, runner closing). Never rejects. Internal.
 */
export async function executeRun(core: RunnerCore, lease: Lease, register: (live: LiveRun) => void): Promise<void> {
  const { store, clock, logger } = core;
  const run = lease.run;
  const workflow = core.workflows.get(run.workflow);
  const log = (error: unknown, msg: string) =>
    logger?.warn({ runId: run.runId, workflow: run.workflow, error: errorInfo(error) }, msg);
  if (!workflow) {
    // Another deployment knows this workflow: hand the run back at once.
    await store.suspend(lease, 'waiting', clock.now(), clock.now()).catch((e) => log(e, 'workflow release failed'));
    return;
  }
  let wakeRace = () => {};
  const raced = new Promise<void>((resolve) => {
    wakeRace = resolve;
  });
  const timeoutMs = workflow.options.timeoutMs === undefined ? undefined : parseDuration(workflow.options.timeoutMs);
  const state: ExecState = {
    core,
    lease,
    workflow: workflow,
    input: JSON.parse(run.input),
    stored: new Map(),
    counts: new Map(),
    ids: new Set(),
    compensations: [],
    inflight: new Set(),
    suspension: undefined,
    inboxSeen: new Map(),
    childWaits: [],
    unwatch: [],
    halted: undefined,
    closing: false,
    cancelRequested: run.cancelRequested,
    cancelled: false,
    deadline: timeoutMs === undefined ? undefined : run.createdAt + timeoutMs,
    controller: new AbortController(),
    wakeRace: () => wakeRace(),
  };
  register({
    cancel: () => {
      state.cancelRequested = true;
    },
    close: () => {
      state.closing = true;
      wakeRace();
    },
  });

  // Lease renewal and the run deadline, both on the injected clock.
  let renewTimer: unknown;
  let lastRenewal = clock.now();
  const renewEvery = Math.max(1, Math.floor(core.leaseMs / 3));
  const renew = async () => {
    renewTimer = undefined;
    try {
      const renewed = await store.renew(lease, core.leaseMs, clock.now());
      if (!renewed.ok) return halt(state, new Error('workflow run lease lost'));
      lastRenewal = clock.now();
      if (renewed.cancelRequested) state.cancelRequested = true;
    } catch (error) {
      log(error, 'workflow lease renewal failed');
      if (clock.now() - lastRenewal >= core.leaseMs) return halt(state, error);
    }
    if (state.halted === undefined) renewTimer = clock.setTimeout(renew, renewEvery);
  };
  renewTimer = clock.setTimeout(renew, renewEvery);
  const stopDeadline =
    state.deadline === undefined
      ? undefined
      : timerAt(clock, state.deadline, () =>
          state.controller.abort(new TimeoutError('workflow run timed out', { details: { runId: run.runId } })),
        );

  try {
    try {
      for (const step of await store.getSteps(run.runId)) state.stored.set(step.stepId, step);
    } catch (error) {
      return halt(state, error);
    }
    core.publish('workflow.started', { workflow: workflow.name, runId: run.runId, resumed: run.executions > 1 });
    const step = createStepApi(state);
    const ctx = { runId: run.runId, attempt: run.executions, signal: state.controller.signal };
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
    const handled = Promise.resolve()
      .then(() => workflow.handler(state.input, step, ctx))
      .then(
        (value) => {
          outcome = { ok: true, value };
        },
        (error: unknown) => {
          outcome = { ok: false, error };
        },
      );
    await Promise.race([handled, raced]);
    if (state.halted !== undefined) return log(state.halted, 'workflow execution halted');
    if (outcome === undefined && (state.suspension !== undefined || state.closing)) {
      // Let parallel steps already running store their results while the lease is still ours.
      await Promise.race([Promise.allSettled([...state.inflight]), haltedPromise(state)]);
      if (state.halted !== undefined) return log(state.halted, 'workflow execution halted');
    }
    if (outcome === undefined && state.suspension !== undefined) return await park(core, state);
    if (outcome === undefined) {
      // Closing: hand the run back, due now, for the next runner.
      await store.suspend(lease, 'pending', clock.now(), clock.now());
      return;
    }
    if (outcome.ok && state.cancelled) outcome = { ok: false, error: cancelledError(run.runId) };
    if (outcome.ok) {
      let output: string | undefined;
      try {
        output = outcome.value === undefined ? undefined : toJson(outcome.value, 'workflow output');
      } catch (error) {
        return await fail(core, state, error);
      }
      await store.finish(lease, { status: 'completed', ...(output === undefined ? {} : { output }) }, clock.now());
      core.publish('workflow.completed', {
        workflow: workflow.name,
        runId: run.runId,
        durationMs: clock.now() - run.createdAt,
      });
      core.finished(run.runId, run.parentRunId);
      return;
    }
    await Promise.allSettled([...state.inflight]);
    return await fail(core, state, outcome.error);
  } catch (error) {
    log(error, 'workflow execution stopped');
  } finally {
    if (renewTimer !== undefined) clock.clearTimeout(renewTimer);
    stopDeadline?.();
    for (const unwatch of state.unwatch) unwatch();
  }
}

function haltedPromise(state: ExecState): Promise<void> {
  return new Promise<void>((resolve) => {
    if (state.controller.signal.aborted) return resolve();
    state.controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Releases the lease with the wake-up time, then re-checks what may have arrived meanwhile. */
async function park(core: RunnerCore, state: ExecState): Promise<void> {
  const { store, clock } = core;
  const { runId } = state.lease;
  const suspension = state.suspension as NonNullable<ExecState['suspension']>;
  await store.suspend(state.lease, suspension.status, suspension.wakeAt, clock.now());
  let wake = false;
  for (const [stepId, seen] of state.inboxSeen) {
    if ((await store.inbox(runId, stepId)).length > seen) wake = true;
  }
  for (const child of state.childWaits) {
    const run = await store.getRun(child);
    if (run && isFinal(run.status)) wake = true;
  }
  if (wake) {
    await store.wake(runId, clock.now());
    core.kick(runId);
  } else if (suspension.wakeAt !== null) {
    core.scheduleWake(runId, suspension.wakeAt);
  }
}

/** Runs the compensations of finished steps in reverse order, then ends the run. */
async function fail(core: RunnerCore, state: ExecState, error: unknown): Promise<void> {
  const { store, clock } = core;
  const { lease, workflow } = state;
  const compensationErrors: unknown[] = [];
  const signal = new AbortController().signal;
  for (const comp of [...state.compensations].reverse()) {
    const stepId = `~compensate:${comp.stepId}`;
    const rec = state.stored.get(stepId);
    if (rec?.state === 'completed' || rec?.state === 'failed') continue;
    const startedAt = clock.now();
    const attempted = await withRetry((ctx) => comp.fn(comp.result, ctx), workflow.options.retry, signal, clock);
    const now = clock.now();
    const base = { stepId, attempts: attempted.attempts, durationMs: now - startedAt, startedAt, completedAt: now };
    const record: StepRecord = attempted.ok
      ? { ...base, state: 'completed' }
      : { ...base, state: 'failed', error: errorInfo(attempted.error) };
    await store.saveStep(lease, record, now);
    if (!attempted.ok) compensationErrors.push(stepError(stepId, record.error, attempted.attempts, attempted.error));
  }
  const info = errorInfo(error);
  const end = state.cancelled ? 'cancelled' : 'failed';
  await store.finish(
    lease,
    {
      status: end,
      error: compensationErrors.length
        ? { ...info, message: `${info.message} (and ${compensationErrors.length} compensation(s) failed)` }
        : info,
    },
    clock.now(),
  );
  core.publish('workflow.failed', {
    workflow: workflow.name,
    runId: lease.runId,
    error: info,
    ...(state.cancelled ? { cancelled: true } : {}),
  });
  core.finished(lease.runId, lease.run.parentRunId);
}
