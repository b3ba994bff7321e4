import { TimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber } from '../internal/config.js';
import { abortErrorFrom } from '../internal/sleep.js';
import type { Clock, Policy, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';
import { Ctx, neverAborted } from './context.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Named in the `TimeoutError` message. @default 'operation' */
  name?: string;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/**
 * The pending calls of one `timeout` policy. Every call gets the same limit, so deadlines come
 * in order: a linked list (O(1) removal) and one timer armed for the oldest deadline replace a
 * timer per call. The timer is not cleared when the list empties: it fires once more (unref'd)
 * and finds nothing to do.
 */
class Deadlines {
  #head: Call | undefined;
  #tail: Call | undefined;
  #armed = false;
  readonly #ms: number;
  readonly #name: string;
  readonly #clock: Clock;
  constructor(ms: number, name: string, clock: Clock) {
    this.#ms = ms;
    this.#name = name;
    this.#clock = clock;
  }
  add(call: Call): void {
    if (this.#tail) {
      this.#tail.next = call;
      call.prev = this.#tail;
    } else this.#head = call;
    this.#tail = call;
    if (!this.#armed) this.#arm(this.#ms);
  }
  remove(call: Call): void {
    if (call.prev) call.prev.next = call.next;
    else if (this.#head === call) this.#head = call.next;
    if (call.next) call.next.prev = call.prev;
    else if (this.#tail === call) this.#tail = call.prev;
    call.prev = call.next = undefined;
  }
  #arm(ms: number): void {
    this.#armed = true;
    this.#clock.setTimeout(() => this.#tick(), ms);
  }
  #tick(): void {
    this.#armed = false;
    const now = this.#clock.now();
    let call = this.#head;
    while (call && call.deadline <= now) {
      this.remove(call);
      call.stop(new TimeoutError(`${this.#name} timed out after ${this.#ms} ms`, { details: { timeoutMs: this.#ms } }));
      call = this.#head;
    }
    if (call) this.#arm(Math.max(1, call.deadline - now));
  }
}

/**
 * One pending call; also the context handed to the function (its signal is created lazily).
 * Its bookkeeping is private, so the function sees only `signal` and `attempt`.
 */
class Call extends Ctx {
  prev: Call | undefined;
  next: Call | undefined;
  #done = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  readonly #list: Deadlines;
  readonly #outer: AbortSignal | undefined;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;
  constructor(
    opts: ExecuteOptions | undefined,
    list: Deadlines,
    readonly deadline: number,
    outer: AbortSignal | undefined,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    super(opts, opts?.attempt ?? 1, opts?.idempotent);
    this.#list = list;
    this.#outer = outer;
    this.#resolve = resolve;
    this.#reject = reject;
    list.add(this);
    outer?.addEventListener('abort', this, { once: true });
  }
  override get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  settle(ok: boolean, value: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#list.remove(this);
    this.#outer?.removeEventListener('abort', this);
    (ok ? this.#resolve : this.#reject)(value);
  }
  /** Gives up: rejects the caller and aborts the function's signal with `reason`. */
  stop(reason: unknown): void {
    if (this.#done) return;
    this.settle(false, reason);
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
  /** The caller's signal aborted (called by `addEventListener` with this object). */
  handleEvent(): void {
    this.stop(abortErrorFrom(this.#outer as AbortSignal));
  }
}

// With the real clock, a call's start is read once per event-loop turn, as Node's own timers do
// (libuv caches the loop time): reading the clock costs more than the rest of a call.
let stamp = 0;
let fresh = false;
const stale = () => {
  fresh = false;
};
function turnStart(): number {
  if (!fresh) {
    stamp = Date.now();
    fresh = true;
    if (typeof setImmediate === 'function') setImmediate(stale);
    else systemClock.setTimeout(stale, 0);
  }
  return stamp;
}

/**
 * Rejects with `TimeoutError` (and aborts `ctx.signal`) when the call takes longer than `ms`.
 * A caller's abort rejects at once with `AbortError` and aborts `ctx.signal` too. No timer or
 * abort listener is left per call: one unref'd timer serves all pending calls of a policy.
 *
 * @example
 * ```ts
 * const policy = timeout(5_000);
 * const res = await policy.execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Policy {
  assertNumber('timeout(ms)', ms, { min: 1, max: 2_147_483_647 });
  const clock = options.clock ?? systemClock;
  const list = new Deadlines(ms, options.name ?? 'operation', clock);
  const start = clock === systemClock ? turnStart : () => clock.now();
  return {
    execute<T>(fn: (ctx: PolicyContext) => Promise<T> | T, opts?: ExecuteOptions): Promise<T> {
      const outer = opts?.signal;
      if (outer?.aborted) return Promise.reject(abortErrorFrom(outer));
      return new Promise<T>((resolve, reject) => {
        const call = new Call(
          opts,
          list,
          start() + ms,
          outer === neverAborted ? undefined : outer,
          resolve as (value: unknown) => void,
          reject,
        );
        try {
          const result = fn(call) as PromiseLike<T> | T;
          if (typeof (result as PromiseLike<T> | undefined)?.then === 'function') {
            (result as PromiseLike<T>).then(
              (value) => call.settle(true, value),
              (error) => call.settle(false, error),
            );
          } else call.settle(true, result);
        } catch (error) {
          call.settle(false, error);
        }
      });
    },
  };
}
