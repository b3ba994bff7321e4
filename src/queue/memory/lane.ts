import type { DeadLetter, DriverJob, DriverProcessOptions, DriverRun } from '../driver.js';
import type { RateWindow } from './rate-window.js';
import { RecentIds } from './retention.js';

/** Where a job of the memory driver stands. */
export type State = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** One job held by the memory driver. */
export interface Entry {
  id: string;
  job: DriverJob;
  state: State;
  /** Tries finished so far. */
  made: number;
  timer?: unknown;
}

/** The memory driver's state for one queue name. */
export interface Lane {
  entries: Map<string, Entry>;
  /** Jobs ready to run, highest priority first, in arrival order within a priority. */
  ready: Entry[];
  /** Jobs running now, and at most how many may. */
  running: number;
  concurrency: number;
  /** Resolved when no job is running (close with drain). */
  idle: Array<() => void>;
  handler: ((run: DriverRun) => Promise<void>) | undefined;
  hooks: DriverProcessOptions | undefined;
  paused: boolean;
  completed: RecentIds;
  failed: Set<string>;
  dead: Map<string, { letter: DeadLetter; job: DriverJob }>;
  limit: RateWindow | undefined;
  /** A pump of this lane is scheduled on a microtask. */
  pumpQueued: boolean;
}

/** An empty lane remembering up to `keepCompleted` completed ids. */
export function newLane(keepCompleted: number): Lane {
  return {
    entries: new Map(),
    ready: [],
    running: 0,
    concurrency: 1,
    idle: [],
    handler: undefined,
    hooks: undefined,
    paused: false,
    completed: new RecentIds(keepCompleted),
    failed: new Set(),
    dead: new Map(),
    limit: undefined,
    pumpQueued: false,
  };
}

/** BullMQ's order: unprioritised jobs first, then priority 1, 2, ... */
const rank = (entry: Entry) => entry.job.priority ?? 0;

/** Marks a job waiting and puts it in its lane's ready line, after the last job of the same or a better rank. */
export function toReadyLine(l: Lane, entry: Entry): void {
  entry.state = 'waiting';
  const line = l.ready;
  const r = rank(entry);
  // Mostly appends; otherwise a binary search.
  if (!line.length || rank(line[line.length - 1] as Entry) <= r) line.push(entry);
  else {
    let lo = 0;
    let hi = line.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rank(line[mid] as Entry) <= r) lo = mid + 1;
      else hi = mid;
    }
    line.splice(lo, 0, entry);
  }
}
