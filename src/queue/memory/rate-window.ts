import type { Clock } from '../../types.js';
import type { QueueRateLimit } from '../driver.js';

/**
 * A processor's rate limit in the memory driver: fixed windows on the injected clock (like
 * p-queue's `intervalCap`, but on `clock`), counting job starts.
 */
export class RateWindow {
  readonly #max: number;
  readonly #durationMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #started = 0;
  #timer: unknown;

  constructor(limit: QueueRateLimit) {
    this.#max = limit.max;
    this.#durationMs = limit.durationMs;
  }

  /**
   * Counts one start. Returns false when the window is spent: then `reopen` runs (once) when
   * the next window begins, and the caller holds its jobs until then.
   */
  admit(clock: Clock, reopen: () => void): boolean {
    const now = clock.now();
    if (now - this.#windowStart >= this.#durationMs) {
      this.#windowStart = now;
      this.#started = 0;
    }
    if (this.#started < this.#max) {
      this.#started++;
      return true;
    }
    this.#timer ??= clock.setTimeout(
      () => {
        this.#timer = undefined;
        reopen();
      },
      Math.max(0, this.#windowStart + this.#durationMs - now),
    );
    return false;
  }

  /** Cancels a pending reopen (the driver is closing). */
  stop(clock: Clock): void {
    if (this.#timer !== undefined) clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
