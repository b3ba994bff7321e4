import type { ErrorInfo } from '../bus/system-events.js';

/** Where a run is in its life. `completed`, `failed` and `cancelled` are final. */
export type RunStatus = 'pending' | 'running' | 'sleeping' | 'waiting' | 'completed' | 'failed' | 'cancelled';

/** Where a step is: `sleeping`/`waiting` steps resume a suspended run. */
export type StepState = 'completed' | 'failed' | 'sleeping' | 'waiting';

/**
 * True for `completed`, `failed` and `cancelled`.
 *
 * @example
 * ```ts
 * if (isFinal((await runner.status(runId)).status)) console.log('done');
 * ```
 */
export function isFinal(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** A stored run. JSON values travel as JSON text so every store keeps exactly what was written. */
export interface RunRecord {
  runId: string;
  workflow: string;
  status: RunStatus;
  /** JSON text of the input. */
  input: string;
  /** JSON text of the output, once completed. */
  output?: string | undefined;
  /** Secret-free error summary, once failed or cancelled. */
  error?: ErrorInfo | undefined;
  parentRunId?: string | undefined;
  cancelRequested: boolean;
  /** How many times a runner has claimed this run (1 on the first execution). */
  executions: number;
  /** Epoch ms (runner clock). */
  createdAt: number;
  updatedAt: number;
  /** When a suspended run becomes due; `null` while it waits without a deadline. */
  wakeAt?: number | null | undefined;
}

/** A stored step. Keyed by `(runId, stepId)`. */
export interface StepRecord {
  stepId: string;
  state: StepState;
  /** JSON text of the result (a `waitForEvent` step stores the envelope or `null`). */
  result?: string | undefined;
  error?: ErrorInfo | undefined;
  attempts: number;
  durationMs: number;
  startedAt: number;
  completedAt?: number | undefined;
  /** Sleep deadline or event-wait timeout, epoch ms. */
  wakeAt?: number | undefined;
  /** Event type a `waiting` step waits for. */
  eventType?: string | undefined;
  /** Envelope path compared with `matchValue` (the `match: 'data.x'` form). */
  matchPath?: string | undefined;
  /** JSON text of the value at `matchPath` in the run's input. */
  matchValue?: string | undefined;
  /** Child run a `step.invoke` waits for. */
  childRunId?: string | undefined;
}

/** What `createRun` needs. */
export interface RunInit {
  runId: string;
  workflow: string;
  input: string;
  parentRunId?: string | undefined;
  now: number;
}

/** Proof of ownership of a run, with the run as it was claimed. `token` fences every write. */
export interface Lease {
  runId: string;
  owner: string;
  token: number;
  run: RunRecord;
}

/** A `waiting` step registered for an event type. */
export interface Waiter {
  runId: string;
  stepId: string;
  matchPath?: string | undefined;
  matchValue?: string | undefined;
}

/**
 * The persistence contract of the workflow runner. `memoryStore`, `redisStore` and
 * `postgresStore` implement it and pass one shared contract suite; a custom store must too.
 * Every method taking a `Lease` is fenced: it throws `ConflictError` (code `CONFLICT`) when
 * another runner has claimed the run since, and writes nothing.
 */
export interface WorkflowStore {
  /** Creates the run unless `runId` exists; returns the stored run and whether it was new. */
  createRun(init: RunInit): Promise<{ run: RunRecord; created: boolean }>;
  /** The run, or `null` when `runId` is unknown. */
  getRun(runId: string): Promise<RunRecord | null>;
  /** Steps of a run in the order they were first stored. */
  getSteps(runId: string): Promise<StepRecord[]>;
  /** Claims one run if it is unfinished, due (`wakeAt <= now`) and not leased. */
  claim(runId: string, owner: string, leaseMs: number, now: number): Promise<Lease | null>;
  /** Claims up to `limit` due, unleased, unfinished runs of the named workflows, oldest due first. */
  claimDue(owner: string, leaseMs: number, now: number, limit: number, workflows: readonly string[]): Promise<Lease[]>;
  /** Extends the lease; `ok: false` when it was lost. */
  renew(lease: Lease, leaseMs: number, now: number): Promise<{ ok: boolean; cancelRequested: boolean }>;
  /** Stores a step. A `completed` or `failed` step is never overwritten. */
  saveStep(lease: Lease, step: StepRecord, now: number): Promise<void>;
  /** Releases the lease and parks the run until `wakeAt` (or until woken when `null`). */
  suspend(lease: Lease, status: 'pending' | 'sleeping' | 'waiting', wakeAt: number | null, now: number): Promise<void>;
  /** Ends the run and releases the lease. */
  finish(
    lease: Lease,
    end: { status: 'completed' | 'failed' | 'cancelled'; output?: string; error?: ErrorInfo },
    now: number,
  ): Promise<void>;
  /** Marks an unfinished run for cancellation and makes it due; returns the run, or null. */
  requestCancel(runId: string, now: number): Promise<RunRecord | null>;
  /** Makes a suspended run due now (no effect on a finished run or on a live lease). */
  wake(runId: string, now: number): Promise<void>;
  /** Event types some `waiting` step waits for. */
  waitedTypes(): Promise<string[]>;
  /** `waiting` steps registered for `type`. */
  waiters(type: string): Promise<Waiter[]>;
  /** Appends an event (JSON text) to a waiting step's inbox and wakes its run. */
  deliver(runId: string, stepId: string, event: string, now: number): Promise<void>;
  /** Events delivered to a step, oldest first. */
  inbox(runId: string, stepId: string): Promise<string[]>;
}

/**
 * Largest number of events kept in one waiting step's inbox: every store keeps the first ones
 * and drops later deliveries.
 *
 * @example
 * ```ts
 * // In a custom WorkflowStore's deliver():
 * if (events.length < INBOX_LIMIT) events.push(event);
 * ```
 */
export const INBOX_LIMIT = 1000;
