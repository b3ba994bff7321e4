import type { Clock } from '../../src/types.js';

/** A controllable {@link Clock} for policy tests: time only moves when `advance` is called. */
export interface FakeClock extends Clock {
  /** Timers scheduled and not yet fired or cleared. */
  readonly pending: number;
  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  advance(ms: number): Promise<void>;
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

const flushMicrotasks = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Set<Timer>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer);
    },
    get pending() {
      return timers.size;
    },
    flush: flushMicrotasks,
    async advance(ms) {
      const end = now + ms;
      await flushMicrotasks();
      for (;;) {
        let next: Timer | undefined;
        for (const t of timers)
          if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
        if (!next) break;
        timers.delete(next);
        now = Math.max(now, next.at);
        next.fn();
        await flushMicrotasks();
      }
      now = end;
      await flushMicrotasks();
    },
  };
}

/** A bus stand-in that records what policies emit. */
export function recordingSink() {
  const events: Array<{ type: string; data: unknown }> = [];
  const push = (type: string, data: unknown) => {
    events.push({ type, data });
  };
  return {
    events,
    emit: push,
    publish: async (type: string, data: unknown) => push(type, data),
    types: () => events.map((e) => e.type),
  };
}
