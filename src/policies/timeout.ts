import { TimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber } from '../internal/config.js';
import { abortErrorFrom } from '../internal/sleep.js';
import type { Clock, Policy } from '../types.js';
import { Ctx, type Fail, neverAborted, policy } from './context.js';

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
 * timer per call. The timer is not cleared when the list empties: it fires once more and finds
 * nothing to do. While calls are pending it is ref'd (where the runtime has `ref`): a caller
 * awaits them, so Node must not exit before their deadline (as Deno, Bun and workerd never do).
 * Once the list stays empty until the end of the event-loop turn it is unref'd again.
 */
interface Deadlines {
  head?: Call | undefined;
  tail?: Call | undefined;
  timer?: { ref?(): void; unref?(): void } | undefined;
  /** The timer is ref'd. */
  held?: boolean;
  /** An end-of-turn check for an empty list is scheduled. */
  check?: boolean;
  readonly ms: number;
  readonly name: string;
  readonly clock: Clock;
}

/** Runs `fn` at the end of the current event-loop turn. */
const later = (fn: () => void) =>
  typeof setImmediate === 'function' ? setImmediate(fn) : systemClock.setTimeout(fn, 0);

/** Refs (`on`) or unrefs the timer of `list`, where the runtime's timers have the methods. */
function hold(list: Deadlines, on: boolean): void {
  list.held = on;
  list.timer?.[on ? 'ref' : 'unref']?.();
}

/**
 * One pending call; also the context handed to the function (its signal is created lazily).
 * Its bookkeeping is private, so the function sees only `signal`, `attempt` and `idempotent`.
 */
class Call extends Ctx {
  #prev: Call | undefined;
  #next: Call | undefined;
  #done = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  readonly #list: Deadlines;
  readonly #deadline: number;
  readonly #outer: AbortSignal | undefined;
  readonly #fail: Fail;
  constructor(ctx: Ctx, list: Deadlines, deadline: number, outer: AbortSignal | undefined, fail: Fail) {
    super(ctx, ctx.attempt, ctx.idempotent);
    this.#list = list;
    this.#deadline = deadline;
    this.#outer = outer;
    this.#fail = fail;
    const tail = list.tail;
    if (tail) {
      tail.#next = this;
      this.#prev = tail;
    } else {
      list.head = this;
      if (!list.timer) Call.arm(list, list.ms);
      else if (!list.held) hold(list, true);
    }
    list.tail = this;
    outer?.addEventListener('abort', this, { once: true });
  }
  /** Arms the list's timer to fire in `ms`. */
  static arm(list: Deadlines, ms: number): void {
    list.timer = list.clock.setTimeout(() => Call.tick(list), ms) as Deadlines['timer'];
    // systemClock unrefs its timers; pending calls keep the process alive.
    hold(list, true);
  }
  /** Times out every call past its deadline and re-arms for the next one. */
  static tick(list: Deadlines): void {
    list.timer = undefined;
    const now = list.clock.now();
    let call = list.head;
    while (call && call.#deadline <= now) {
      call.stop(new TimeoutError(`${list.name} timed out after ${list.ms} ms`, { details: { timeoutMs: list.ms } }));
      call = list.head;
    }
    // (A call added meanwhile may have armed the timer already.)
    if (call && !list.timer) Call.arm(list, Math.max(1, call.#deadline - now));
  }
  override get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  /** Leaves the list; false when the call was already settled. */
  settle(): boolean {
    if (this.#done) return false;
    this.#done = true;
    const list = this.#list;
    const prev = this.#prev;
    const next = this.#next;
    if (prev) prev.#next = next;
    else list.head = next;
    if (next) next.#prev = prev;
    else list.tail = prev;
    if (!list.head && list.held && !list.check) {
      list.check = true;
      later(() => {
        list.check = false;
        if (!list.head && list.held) hold(list, false);
      });
    }
    this.#outer?.removeEventListener('abort', this);
    return true;
  }
  /** Gives up: fails the call and aborts the function's signal with `reason`. */
  stop(reason: unknown): void {
    this.#reason ??= reason;
    if (this.settle()) this.#fail(reason);
    this.#controller?.abort(reason);
  }
  /** The caller's signal aborted (called by `addEventListener` with this object). */
  handleEvent(): void {
    this.stop(abortErrorFrom(this.#outer as AbortSignal));
  }
}

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
  assertNumber('timeout(ms)', ms, { min: 1, max: 2_147_483_647 });
  const { name = 'operation', clock = systemClock } = options;
  const list: Deadlines = { ms, name, clock };
  return policy((task, ctx, ok, fail) => {
    const outer = ctx.signal;
    if (outer.aborted) return fail(abortErrorFrom(outer));
    const call = new Call(ctx, list, clock.now() + ms, outer === neverAborted ? undefined : outer, fail);
    task(
      call,
      (value) => call.settle() && ok(value),
      (error) => call.settle() && fail(error),
    );
  });
}
