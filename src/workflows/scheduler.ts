import { errorInfo } from '../internal/error-info.js';
import { type RunnerCore, timerAt } from './core.js';
import { executeRun, type LiveRun } from './execute-run.js';
import type { Lease } from './store.js';

/** Claims runs within the concurrency limit, executes them and polls for due ones. Internal. */
export interface Scheduler {
  kick(runId: string): void;
  scheduleWake(runId: string, wakeAt: number): void;
  /** Claims due runs now and keeps polling every `pollMs`; resolves with the number claimed now. */
  startPolling(): Promise<number>;
  live(runId: string): LiveRun | undefined;
  close(): Promise<void>;
}

export function createScheduler(
  core: RunnerCore,
  options: { concurrency: number; pollMs: number; workflowNames: () => string[]; onPoll: () => Promise<void> },
): Scheduler {
  const { store, clock, logger } = core;
  const queue: string[] = [];
  const queued = new Set<string>();
  const active = new Map<string, Promise<void>>();
  const lives = new Map<string, LiveRun>();
  const rekick = new Set<string>();
  const wakeTimers = new Map<string, () => void>();
  let claiming = 0;
  let closed = false;
  let polling = false;
  let pollTimer: unknown;
  let pollRunning = false;
  let lastBatchFull = false;

  const free = () => options.concurrency - active.size - claiming;
  const warn = (error: unknown, msg: string, runId?: string) => logger?.warn({ runId, error: errorInfo(error) }, msg);

  function launch(lease: Lease): void {
    const { runId } = lease;
    const done = executeRun(core, lease, (live) => lives.set(runId, live)).finally(() => {
      active.delete(runId);
      lives.delete(runId);
      if (rekick.delete(runId)) kick(runId);
      pump();
      if (polling && lastBatchFull && !closed) void poll();
    });
    active.set(runId, done);
  }

  /** Executes a fresh lease; when our own older lease on the run expired, after that execution ends. */
  function adopt(lease: Lease): void {
    const previous = active.get(lease.runId);
    // The old execution's writes are now refused (stale token); it ends quickly.
    if (previous) void previous.then(() => (closed ? undefined : launch(lease)));
    else if (!closed) launch(lease);
  }

  function pump(): void {
    while (!closed && free() > 0 && queue.length > 0) {
      const runId = queue.shift() as string;
      queued.delete(runId);
      if (active.has(runId)) {
        rekick.add(runId);
        continue;
      }
      claiming++;
      store.claim(runId, core.owner, core.leaseMs, clock.now()).then(
        (lease) => {
          claiming--;
          if (lease) adopt(lease);
          pump();
        },
        (error: unknown) => {
          claiming--;
          warn(error, 'workflow claim failed', runId);
          pump();
        },
      );
    }
  }

  function kick(runId: string): void {
    if (closed) return;
    if (active.has(runId)) {
      rekick.add(runId);
      return;
    }
    if (queued.has(runId)) return;
    queued.add(runId);
    queue.push(runId);
    pump();
  }

  async function poll(): Promise<number> {
    if (pollRunning || closed) return 0;
    pollRunning = true;
    if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
    pollTimer = undefined;
    let claimed = 0;
    try {
      await options.onPoll();
      for (;;) {
        const limit = free();
        if (limit <= 0 || closed) break;
        const leases = await store.claimDue(core.owner, core.leaseMs, clock.now(), limit, options.workflowNames());
        for (const lease of leases) adopt(lease);
        claimed += leases.length;
        lastBatchFull = leases.length === limit;
        if (!lastBatchFull) break;
      }
    } catch (error) {
      warn(error, 'workflow poll failed');
    } finally {
      pollRunning = false;
      if (polling && !closed) pollTimer = clock.setTimeout(() => void poll(), options.pollMs);
    }
    return claimed;
  }

  return {
    kick,
    scheduleWake(runId, wakeAt) {
      if (closed) return;
      wakeTimers.get(runId)?.();
      wakeTimers.set(
        runId,
        timerAt(clock, wakeAt, () => {
          wakeTimers.delete(runId);
          kick(runId);
        }),
      );
    },
    async startPolling() {
      polling = true;
      return poll();
    },
    live: (runId) => lives.get(runId),
    async close() {
      closed = true;
      polling = false;
      if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
      for (const stop of wakeTimers.values()) stop();
      wakeTimers.clear();
      queue.length = 0;
      queued.clear();
      for (const live of lives.values()) live.close();
      await Promise.allSettled([...active.values()]);
    },
  };
}
