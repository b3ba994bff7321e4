import type { Clock } from '../../src/types.js';

/** A clock whose timers fire only when `advance` moves time past them. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  pending(): number;
}

/** Lets pending promise chains settle; `ms` of real time more for network round trips. */
export async function settle(rounds = 20, ms = 0): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  if (ms > 0) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `settleMs`: real time allowed for store round trips around each fired timer. */
export function manualClock(start = Date.UTC(2026, 0, 1), settleMs = 0): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle(20, settleMs);
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = target;
      await settle(20, settleMs);
    },
  };
}

/** Polls `check` on real time until it returns true or `ms` passes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
