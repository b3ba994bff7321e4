import { TimeoutError } from '../errors/timeout-error.js';
import { systemClock } from '../internal/clock.js';
import { assertNumber, assertObject, MAX_DELAY } from '../internal/config.js';
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
  timer?: Timer;
  /** An end-of-turn check for an empty list is scheduled. */
  check?: boolean;
  readonly ms: number;
  readonly name: string;
  readonly clock: Clock;
}

/**
 * One pending call; also the context handed to the function (its signal is created lazily).
 * Its bookkeeping is private, so the function sees only `signal`, `attempt` and `idempotent`.
 * (One class for every policy: the contexts other policies read stay of one shape.)
 */
class Call extends Ctx {
  #prev: Call | undefined;
  #next: Call | undefined;
  #controller: AbortController | undefined;
  /** Receives the outcome; unset once the call has settled. */
  #fail: Fail | undefined;
  readonly #list: Deadlines;
  readonly #deadline: number;
  readonly #outer: AbortSignal | undefined;
  /** Joins the list and runs `task` under this context. */
  constructor(task: Task, ctx: Ctx, list: Deadlines, outer: AbortSignal | undefined, ok: Ok, fail: Fail) {
    super(ctx, ctx.attempt, ctx.idempotent);
    this.#list = list;
    this.#deadline = list.clock.now() + list.ms;
    this.#outer = outer;
    this.#fail = fail;
    const tail = list.tail;
    if (tail) {
      tail.#next = this;
      this.#prev = tail;
    } else {
      list.head = this;
      list.timer ? keepAlive(list.timer) : Call.#arm(list, list.ms);
    }
    list.tail = this;
    outer?.addEventListener('abort', this, { once: true });
    task(
      this,
      (value) => this.#settle(ok, value),
      (error) => this.#settle(fail, error),
    );
  }
  /** Arms the list's timer to fire in `delay`; a pending call keeps the process alive. */
  static #arm(list: Deadlines, delay: number): void {
    list.timer = list.clock.setTimeout(() => Call.#tick(list), delay) as Timer;
    keepAlive(list.timer);
  }
  /** Times out every call past its deadline and re-arms for the next one. */
  static #tick(list: Deadlines): void {
    list.timer = undefined;
    const now = list.clock.now();
    let call = list.head;
    while (call && call.#deadline <= now) {
      call.#stop(new TimeoutError(`${list.name} timed out after ${list.ms} ms`, { details: { timeoutMs: list.ms } }));
      call = list.head;
    }
    // (A call added meanwhile may have armed the timer already.)
    if (call && !list.timer) Call.#arm(list, call.#deadline - now);
  }
  override get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }
  /** Leaves the list and passes `outcome` to `to`, unless the call has already settled. */
  #settle(to: Fail, outcome: unknown): void {
    if (!this.#fail) return;
    this.#fail = undefined;
    const list = this.#list;
    const prev = this.#prev;
    const next = this.#next;
    if (prev) prev.#next = next;
    else list.head = next;
    if (next) next.#prev = prev;
    else list.tail = prev;
    if (!list.head && !list.check) {
      list.check = true;
      (globalThis.setImmediate ?? setTimeout)(() => {
        list.check = false;
        if (!list.head) list.timer?.unref?.();
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
  assertNumber('timeout(ms)', ms, { min: 1, max: MAX_DELAY });
  assertObject('timeout options', options);
  const { name = 'operation', clock = systemClock } = options;
  const list: Deadlines = { ms, name, clock };
  return policy((task, ctx, ok, fail) => {
    const outer = ctx.signal;
    if (outer.aborted) fail(abortErrorFrom(outer));
    else new Call(task, ctx, list, outer === neverAborted ? undefined : outer, ok, fail);
  });
}
