import { TimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber } from '../internal/config.js';
import { abortErrorFrom, keepAlive } from '../internal/sleep.js';
import type { Clock, Policy } from '../types.js';
import { Ctx, type Fail, neverAborted, type Ok, policy, type Task } from './context.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Named in the `TimeoutError` message. @default 'operation' */
  name?: string;
  /** Time source. @default systemClock */
  clock?: Clock;
}

type Timer = { unref?(): void } | undefined;

/**
 * Rejects with `TimeoutError` (and aborts `ctx.signal`) when the call takes longer than `ms`.
 * A caller's abort rejects at once with `AbortError` and aborts `ctx.signal` too. No timer or
 * abort listener is left per call: one timer serves all pending calls of a policy, and keeps
 * the process alive only while a call is pending.
 *
 * @example
 * ```ts
 * const policy = timeout(5_000);
 * const res = await policy.execute(({ signal }) => fetch(url, { signal }));
 * ```
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Policy {
  const { name = 'operation', clock = systemClock } = options;
  assertNumber('timeout(ms)', ms, { min: 1, max: 2 ** 31 - 1 });
  // Every call gets the same limit, so deadlines come in order: the pending calls form a linked
  // list (O(1) removal) and one timer armed for the oldest deadline replaces a timer per call.
  // The timer is not cleared when the list empties: it fires once more and finds nothing to do.
  // While calls are pending it is ref'd (where the runtime has `ref`): a caller awaits them, so
  // Node must not exit before their deadline (as Deno, Bun and workerd never do). Once the list
  // stays empty until the end of the event-loop turn it is unref'd again.
  let head: Call | undefined;
  let tail: Call | undefined;
  let timer: Timer;
  /** An end-of-turn check for an empty list is scheduled. */
  let check = false;

  /**
   * One pending call; also the context handed to the function (its signal is created lazily).
   * Its bookkeeping is private, so the function sees only `signal`, `attempt` and `idempotent`.
   */
  class Call extends Ctx {
    #prev: Call | undefined;
    #next: Call | undefined;
    #controller: AbortController | undefined;
    /** Receives the outcome; unset once the call has settled. */
    #fail: Fail | undefined;
    readonly #deadline: number;
    readonly #outer: AbortSignal | undefined;
    /** Joins the list and runs `task` under this context. */
    constructor(task: Task, ctx: Ctx, outer: AbortSignal | undefined, ok: Ok, fail: Fail) {
      super(ctx, ctx.attempt, ctx.idempotent);
      this.#deadline = clock.now() + ms;
      this.#outer = outer;
      this.#fail = fail;
      if (tail) {
        tail.#next = this;
        this.#prev = tail;
      } else {
        head = this;
        timer ? keepAlive(timer) : Call.#arm(ms);
      }
      tail = this;
      outer?.addEventListener('abort', this, { once: true });
      task(
        this,
        (value) => this.#settle(ok, value),
        (error) => this.#settle(fail, error),
      );
    }
    /** Arms the timer to fire in `delay`; a pending call keeps the process alive. */
    static #arm(delay: number): void {
      timer = clock.setTimeout(Call.#tick, delay) as Timer;
      keepAlive(timer);
    }
    /** Times out every call past its deadline and re-arms for the next one. */
    static #tick(): void {
      timer = undefined;
      const now = clock.now();
      while (head && head.#deadline <= now)
        head.#stop(new TimeoutError(`${name} timed out after ${ms} ms`, { details: { timeoutMs: ms } }));
      // (A call added meanwhile may have armed the timer already.)
      if (head && !timer) Call.#arm(head.#deadline - now);
    }
    override get signal(): AbortSignal {
      this.#controller ??= new AbortController();
      return this.#controller.signal;
    }
    /** Leaves the list and passes `outcome` to `to`, unless the call has already settled. */
    #settle(to: Fail, outcome: unknown): void {
      if (!this.#fail) return;
      this.#fail = undefined;
      const prev = this.#prev;
      const next = this.#next;
      if (prev) prev.#next = next;
      else head = next;
      if (next) next.#prev = prev;
      else tail = prev;
      if (!head && !check) {
        check = true;
        (globalThis.setImmediate ?? setTimeout)(() => {
          check = false;
          if (!head) timer?.unref?.();
        });
      }
      this.#outer?.removeEventListener('abort', this);
      to(outcome);
    }
    /** Gives up: fails the call and aborts the function's signal with `reason`. */
    #stop(reason: unknown): void {
      this.#settle(this.#fail as Fail, reason);
      this.#controller ??= new AbortController();
      this.#controller.abort(reason);
    }
    /** The caller's signal aborted (called by `addEventListener` with this object). */
    handleEvent(): void {
      this.#stop(abortErrorFrom(this.#outer as AbortSignal));
    }
  }

  return policy((task, ctx, ok, fail) => {
    const outer = ctx.signal;
    if (outer.aborted) fail(abortErrorFrom(outer));
    else new Call(task, ctx, outer === neverAborted ? undefined : outer, ok, fail);
  });
}
