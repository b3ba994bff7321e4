import type { DriverRun } from './driver.js';

/**
 * The abort signals of a driver's running tries. Each try gets its own signal, created only
 * when its handler reads `job.signal` (most never do), so handlers that pass it to `fetch` never
 * pile listeners onto one shared signal. Closing without draining aborts them all.
 */
export class RunSignals {
  readonly active = new Set<AbortController>();
  reason: unknown;

  /** Aborts every live try's signal, and any read later. */
  abortAll(reason: unknown): void {
    this.reason = reason;
    for (const controller of this.active) controller.abort(reason);
    this.active.clear();
  }
}

/** One try handed to a queue handler; `signal` is created on first read. */
export class Run implements DriverRun {
  #controller: AbortController | undefined;
  constructor(
    readonly signals: RunSignals,
    readonly id: string,
    readonly name: string,
    readonly payload: unknown,
    readonly attempt: number,
    readonly attempts: number,
    readonly timeoutMs: number | undefined,
  ) {}

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.signals.reason !== undefined) this.#controller.abort(this.signals.reason);
      else this.signals.active.add(this.#controller);
    }
    return this.#controller.signal;
  }

  /** The try has settled: its signal no longer needs aborting on close. */
  release(): void {
    if (this.#controller) this.signals.active.delete(this.#controller);
  }
}
