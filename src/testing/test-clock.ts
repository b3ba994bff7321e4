import { configError } from '../internal/config.js';
import type { Clock } from '../types.js';

/** A {@link Clock} whose time only moves when a test says so. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): Promise<void>;
  /** Jumps to the next pending timer and fires it (and any due at the same instant). Returns false when none is pending. */
  runNext(): Promise<boolean>;
  /** Fires timers until none is left (timers scheduled meanwhile included), up to `maxTimers`. */
  runAll(options?: { maxTimers?: number }): Promise<void>;
  /** Number of timers waiting to fire. */
  pending(): number;
}

/** Options of {@link createTestClock}. */
export interface TestClockOptions {
  /** Start time in epoch ms. @default Date.UTC(2030, 0, 1) */
  now?: number | Date;
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

const realSetTimeout = globalThis.setTimeout;
const realSetImmediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;

/** Lets promise chains started by a fired timer run until they block again. */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    if (realSetImmediate) realSetImmediate(resolve);
    else realSetTimeout(resolve, 0);
  });
}

/**
 * A controllable clock for tests: pass it as the `clock` option of policies, queues, workflows
 * and realtime hubs, then move time with `advance` or `runAll` instead of sleeping. A workflow
 * that sleeps for 7 days finishes in milliseconds.
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * const policy = retry({ maxAttempts: 3, backoff: constant(60_000), clock });
 * const result = policy.execute(flakyCall);
 * await clock.runAll(); // both one-minute waits pass instantly
 * await result;
 * ```
 */
export function createTestClock(options: TestClockOptions = {}): TestClock {
  const start = options.now ?? Date.UTC(2030, 0, 1);
  let now = typeof start === 'number' ? start : start.getTime();
  let nextId = 1;
  const timers: Timer[] = [];

  const takeDue = (until: number): Timer | undefined => {
    let best = -1;
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i] as Timer;
      if (t.at <= until && (best < 0 || t.at < (timers[best] as Timer).at)) best = i;
    }
    return best < 0 ? undefined : timers.splice(best, 1)[0];
  };

  const fire = async (timer: Timer) => {
    now = Math.max(now, timer.at);
    timer.fn();
    await settle();
  };

  const clock: TestClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, Number.isFinite(ms) ? ms : 0), fn };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      const index = timers.findIndex((t) => t.id === handle);
      if (index >= 0) timers.splice(index, 1);
    },
    async advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) {
        configError(`advance(ms) needs a finite number >= 0, got ${String(ms)}`);
      }
      await settle();
      const target = now + ms;
      for (let timer = takeDue(target); timer; timer = takeDue(target)) await fire(timer);
      now = target;
      await settle();
    },
    async runNext() {
      await settle();
      const timer = takeDue(Number.POSITIVE_INFINITY);
      if (!timer) return false;
      // Timers already due at that instant fire with it; ones they schedule wait for the next call.
      const sameInstant = new Set(timers.filter((t) => t.at <= timer.at).map((t) => t.id));
      await fire(timer);
      for (;;) {
        const index = timers.findIndex((t) => sameInstant.has(t.id));
        if (index < 0) break;
        await fire(timers.splice(index, 1)[0] as Timer);
      }
      return true;
    },
    async runAll({ maxTimers = 10_000 } = {}) {
      for (let fired = 0; await clock.runNext(); fired++) {
        if (fired >= maxTimers) {
          configError(`runAll fired ${maxTimers} timers and more keep coming (an interval or a loop?)`);
        }
      }
    },
    pending: () => timers.length,
  };
  return clock;
}
