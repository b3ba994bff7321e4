import type { DriverRun } from './driver.js';

/**
 * The abort signals of a driver's running tries. Each try gets its own signal, created only
 * when its handler reads `job.signal` (most never do), so handlers that pass it to `fetch` never
 * pile listeners onto one shared signal. Closing without draining aborts them all.
 */
export class RunSignals {
  readonly #active = new Set<AbortController>();
  #reason: unknown;

  /** A controller for one try: already aborted once {@link abortAll} has run. */
  open(): AbortController {
    const controller = new AbortController();
    if (this.#reason !== undefined) controller.abort(this.#reason);
    else this.#active.add(controller);
    return controller;
  }

  /** The try has settled: its signal no longer needs aborting on close. */
  forget(controller: AbortController): void {
    this.#active.delete(controller);
  }

  /** Aborts every live try's signal, and any opened later. */
  abortAll(reason: unknown): void {
    this.#reason = reason;
    for (const controller of this.#active) controller.abort(reason);
    this.#active.clear();
  }
}

/**
 * One try handed to a queue handler; `signal` is created on first read. On the hot path the
 * run itself is the user's `job`, so the driver's bookkeeping stays in private fields.
 */
export class Run implements DriverRun {
  readonly #signals: RunSignals;
  #controller: AbortController | undefined;
  constructor(
    signals: RunSignals,
    readonly id: string,
    readonly name: string,
    readonly payload: unknown,
    readonly attempt: number,
    readonly attempts: number,
    readonly timeoutMs: number | undefined,
  ) {
    this.#signals = signals;
  }

  get signal(): AbortSignal {
    this.#controller ??= this.#signals.open();
    return this.#controller.signal;
  }

  /** The try has settled: its signal no longer needs aborting on close. */
  release(): void {
    if (this.#controller) this.#signals.forget(this.#controller);
  }
}
