import { ConflictError } from '../errors/conflict-error.js';
import { assertNumber, assertObject } from '../internal/config.js';
import {
  INBOX_LIMIT,
  isFinal,
  type Lease,
  type RunRecord,
  type StepRecord,
  type Waiter,
  type WorkflowStore,
} from './store.js';

interface MemoryRun {
  run: RunRecord;
  steps: Map<string, StepRecord>;
  inbox: Map<string, string[]>;
  token: number;
  owner: string | undefined;
  leaseUntil: number;
  /** When the run may be claimed (ignoring the lease); `null` = only when woken. */
  dueAt: number | null;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Finished runs kept for `result()`/`status()`; older ones are forgotten. @default 10000 */
  keepFinished?: number;
}

// Records are flat apart from `error`: a shallow copy (plus the error) keeps callers from
// mutating stored state, at a fraction of structuredClone's cost.
const clone = <T extends { error?: object | undefined }>(value: T): T =>
  value.error ? { ...value, error: { ...value.error } } : { ...value };

/**
 * An in-process {@link WorkflowStore}: fast, Web-standard, and lost with the process. Use it
 * for tests, edge functions and single-process apps that accept losing runs on a restart.
 * Unfinished runs are always kept; finished ones up to `keepFinished`.
 *
 * @example
 * ```ts
 * const runner = createWorkflowRunner({ store: memoryStore(), workflows: [onboarding] });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): WorkflowStore {
  assertObject('memoryStore options', options);
  const keepFinished = assertNumber('keepFinished', options.keepFinished ?? 10_000, { min: 0, integer: true });
  const runs = new Map<string, MemoryRun>();
  // Finished runs in the order they ended; the oldest are dropped beyond `keepFinished`.
  const finished: string[] = [];

  function fenced(lease: Lease): MemoryRun {
    const entry = runs.get(lease.runId);
    if (!entry || entry.token !== lease.token || entry.owner !== lease.owner) {
      throw new ConflictError('workflow run lease lost', { details: { runId: lease.runId } });
    }
    return entry;
  }

  function tryClaim(entry: MemoryRun, owner: string, leaseMs: number, now: number): Lease | null {
    if (isFinal(entry.run.status) || entry.dueAt === null || entry.dueAt > now) return null;
    if (entry.owner !== undefined && entry.leaseUntil > now) return null;
    entry.token += 1;
    entry.owner = owner;
    entry.leaseUntil = now + leaseMs;
    entry.run.status = 'running';
    entry.run.executions += 1;
    entry.run.updatedAt = now;
    entry.run.wakeAt = undefined;
    return { runId: entry.run.runId, owner, token: entry.token, run: clone(entry.run) };
  }

  function wake(runId: string, now: number): void {
    const entry = runs.get(runId);
    if (entry && !isFinal(entry.run.status)) entry.dueAt = Math.min(entry.dueAt ?? now, now);
  }

  function release(entry: MemoryRun): void {
    entry.owner = undefined;
    entry.leaseUntil = 0;
  }

  return {
    async createRun(init) {
      const existing = runs.get(init.runId);
      if (existing) return { run: clone(existing.run), created: false };
      const run: RunRecord = {
        runId: init.runId,
        workflow: init.workflow,
        status: 'pending',
        input: init.input,
        parentRunId: init.parentRunId,
        cancelRequested: false,
        executions: 0,
        createdAt: init.now,
        updatedAt: init.now,
      };
      runs.set(init.runId, {
        run,
        steps: new Map(),
        inbox: new Map(),
        token: 0,
        owner: undefined,
        leaseUntil: 0,
        dueAt: init.now,
      });
      return { run: clone(run), created: true };
    },
    async getRun(runId) {
      const entry = runs.get(runId);
      return entry ? clone(entry.run) : null;
    },
    async getSteps(runId) {
      const entry = runs.get(runId);
      return entry ? [...entry.steps.values()].map(clone) : [];
    },
    async claim(runId, owner, leaseMs, now) {
      const entry = runs.get(runId);
      return entry ? tryClaim(entry, owner, leaseMs, now) : null;
    },
    async claimDue(owner, leaseMs, now, limit, workflows) {
      const names = new Set(workflows);
      const due = [...runs.values()]
        .filter(
          (e) =>
            names.has(e.run.workflow) &&
            !isFinal(e.run.status) &&
            e.dueAt !== null &&
            Math.max(e.dueAt, e.owner ? e.leaseUntil : 0) <= now,
        )
        .sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0));
      const leases: Lease[] = [];
      for (const entry of due) {
        if (leases.length >= limit) break;
        const lease = tryClaim(entry, owner, leaseMs, now);
        if (lease) leases.push(lease);
      }
      return leases;
    },
    async renew(lease, leaseMs, now) {
      const entry = runs.get(lease.runId);
      if (!entry || entry.token !== lease.token || entry.owner !== lease.owner || isFinal(entry.run.status)) {
        return { ok: false, cancelRequested: entry?.run.cancelRequested ?? false };
      }
      entry.leaseUntil = now + leaseMs;
      return { ok: true, cancelRequested: entry.run.cancelRequested };
    },
    async saveStep(lease, step, now) {
      const entry = fenced(lease);
      const existing = entry.steps.get(step.stepId);
      if (existing && (existing.state === 'completed' || existing.state === 'failed')) return;
      entry.steps.set(step.stepId, clone(step));
      entry.run.updatedAt = now;
    },
    async suspend(lease, status, wakeAt, now) {
      const entry = fenced(lease);
      entry.run.status = status;
      entry.run.wakeAt = wakeAt;
      entry.run.updatedAt = now;
      // A cancel requested while the lease was held makes the run due at once.
      entry.dueAt = entry.run.cancelRequested ? now : wakeAt;
      release(entry);
    },
    async finish(lease, end, now) {
      const entry = fenced(lease);
      entry.run.status = end.status;
      entry.run.output = end.output;
      entry.run.error = end.error;
      entry.run.updatedAt = now;
      entry.run.wakeAt = undefined;
      entry.dueAt = null;
      entry.inbox.clear();
      release(entry);
      finished.push(lease.runId);
      while (finished.length > keepFinished) runs.delete(finished.shift() as string);
    },
    async requestCancel(runId, now) {
      const entry = runs.get(runId);
      if (!entry) return null;
      if (!isFinal(entry.run.status)) {
        entry.run.cancelRequested = true;
        entry.run.updatedAt = now;
        entry.dueAt = now;
      }
      return clone(entry.run);
    },
    async wake(runId, now) {
      wake(runId, now);
    },
    async waitedTypes() {
      const types = new Set<string>();
      for (const entry of runs.values()) {
        for (const step of entry.steps.values()) {
          if (step.state === 'waiting' && step.eventType !== undefined) types.add(step.eventType);
        }
      }
      return [...types];
    },
    async waiters(type) {
      const found: Waiter[] = [];
      for (const entry of runs.values()) {
        if (isFinal(entry.run.status)) continue;
        for (const step of entry.steps.values()) {
          if (step.state === 'waiting' && step.eventType === type) {
            found.push({
              runId: entry.run.runId,
              stepId: step.stepId,
              matchPath: step.matchPath,
              matchValue: step.matchValue,
            });
          }
        }
      }
      return found;
    },
    async deliver(runId, stepId, event, now) {
      const entry = runs.get(runId);
      if (!entry || isFinal(entry.run.status)) return;
      const list = entry.inbox.get(stepId) ?? [];
      if (list.length < INBOX_LIMIT) list.push(event);
      entry.inbox.set(stepId, list);
      wake(runId, now);
    },
    async inbox(runId, stepId) {
      return [...(runs.get(runId)?.inbox.get(stepId) ?? [])];
    },
  };
}
