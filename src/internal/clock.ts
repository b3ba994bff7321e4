import type { Clock } from '../types.js';

/**
 * The real clock: `Date.now()` and global timers. Its timers are `unref`'d where the runtime
 * supports it, so a breaker's half-open timer, a heartbeat or a timeout guard never keeps a
 * process alive. Waits that a caller awaits (retry delays, `sleep`) re-reference their timer.
 *
 * @example
 * ```ts
 * const handle = systemClock.setTimeout(() => console.log('later'), 1000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    // Node and Bun return an object with `unref`; browsers and Deno a number.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
};
