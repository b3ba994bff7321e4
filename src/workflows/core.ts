import type { SystemEvents } from '../bus/system-events.js';
import type { Clock, Logger } from '../types.js';
import type { Workflow } from './define.js';
import type { Lease, StepRecord, WorkflowStore } from './store.js';

/** What one execution needs from its runner. Internal. */
export interface RunnerCore {
  store: WorkflowStore;
  clock: Clock;
  logger: Logger | undefined;
  owner: string;
  leaseMs: number;
  workflows: Map<string, Workflow<any, any>>;
  publish<K extends keyof SystemEvents>(type: K, data: SystemEvents[K]): void;
  /** Creates (idempotently) and schedules a child run. */
  startChild(workflow: Workflow<unknown, unknown>, input: unknown, runId: string, parentRunId: string): Promise<void>;
  /** Registers an in-process waiter until the returned function is called. */
  watch(type: string, runId: string, stepId: string): () => void;
  /** Tries to claim and execute a run in this process. */
  kick(runId: string): void;
  /** Arms an in-process timer that kicks the run at `wakeAt`. */
  scheduleWake(runId: string, wakeAt: number): void;
  /** Tells local `result()` callers (and a parent run) that a run ended. */
  finished(runId: string, parentRunId: string | undefined): void;
}

/** Mutable state of one execution of one run. Internal. */
export interface ExecState {
  core: RunnerCore;
  lease: Lease;
  workflow: Workflow<unknown, unknown>;
  input: unknown;
  stored: Map<string, StepRecord>;
  counts: Map<string, number>;
  /** Step ids handed out in this execution: a repeated one would read another step's result. */
  ids: Set<string>;
  compensations: Array<{
    stepId: string;
    result: unknown;
    fn: (result: unknown, ctx: { signal: AbortSignal; attempt: number }) => unknown;
  }>;
  inflight: Set<Promise<unknown>>;
  /** Set when a step parks the run. */
  suspension: { status: 'sleeping' | 'waiting'; wakeAt: number | null } | undefined;
  /** Inbox sizes seen by waiting steps, and child runs awaited, for the post-release re-check. */
  inboxSeen: Map<string, number>;
  childWaits: string[];
  unwatch: Array<() => void>;
  /** Set when the execution must stop writing (lease lost, store failure, runner closing). */
  halted: unknown;
  /** Set when the runner closes: no new step starts, running ones finish, the lease is released. */
  closing: boolean;
  cancelRequested: boolean;
  cancelled: boolean;
  deadline: number | undefined;
  controller: AbortController;
  /** Resolves the execution's race when the run suspends or halts. */
  wakeRace: () => void;
}

/** Stops an execution for good: no further writes, its signal aborts, its race settles. Idempotent. */
export function halt(state: ExecState, reason: unknown): void {
  if (state.halted !== undefined) return;
  state.halted = reason;
  state.controller.abort(reason);
  state.wakeRace();
}

/** Timers past 2^31 - 1 ms fire after 1 ms (Node and browsers): longer waits are taken in steps. */
const MAX_TIMER = 2_147_483_647;

/**
 * Calls `fn` once `clock` reaches `at`, however far away (a 30-day run timeout, a 7-day sleep).
 * Returns the function that cancels it.
 */
export function timerAt(clock: Clock, at: number, fn: () => void): () => void {
  let handle: unknown;
  const arm = () => {
    handle = clock.setTimeout(
      () => (clock.now() < at ? arm() : fn()),
      Math.min(MAX_TIMER, Math.max(0, at - clock.now())),
    );
  };
  arm();
  return () => clock.clearTimeout(handle);
}
