import { abortErrorFrom } from '../internal/sleep.js';
import type { Policy, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';
import { assertTask } from './options.js';

/** A signal that never aborts, for calls made without one. */
export const neverAborted: AbortSignal = /* @__PURE__ */ new AbortController().signal;

/**
 * The context a policy hands to the function it runs; it is also a valid {@link ExecuteOptions}
 * for the next policy in a `compose` chain. `signal` is read from the parent only when asked
 * for, so a `timeout` that nobody listens to never has to allocate an `AbortController`.
 */
export class Ctx implements PolicyContext {
  // Declared, not defined: assigned once in the constructor (smaller and as fast).
  declare readonly parent: ExecuteOptions | undefined;
  declare readonly attempt: number;
  declare readonly idempotent: boolean | undefined;
  constructor(parent: ExecuteOptions | undefined, attempt: number, idempotent?: boolean) {
    this.parent = parent;
    this.attempt = attempt;
    this.idempotent = idempotent;
  }
  get signal(): AbortSignal {
    return this.parent?.signal ?? neverAborted;
  }
}

/** The context of a first attempt made without options (immutable, so shared). */
const FIRST = /* @__PURE__ */ new Ctx(undefined, 1);

/** The context for `attempt`, reusing `opts` when it already is one. */
export function toCtx(opts: ExecuteOptions | undefined, attempt = opts?.attempt ?? 1): Ctx {
  return opts instanceof Ctx && opts.attempt === attempt
    ? opts
    : opts === undefined && attempt === 1
      ? FIRST
      : new Ctx(opts, attempt, opts?.idempotent);
}

// The library's policies run each other in continuation-passing style: a policy's `Run` gets the
// rest of the chain as a `Task` and reports the outcome through `ok`/`fail` callbacks. A composed
// chain thus costs one promise per call (the one `execute` returns), not one per layer.

/** Receives the value of a successful call. */
export type Ok = (value: any) => void;
/** Receives the error of a failed call. */
export type Fail = (error: unknown) => void;
/** The rest of a chain: runs under `ctx` and calls exactly one of `ok` and `fail`, once. */
export type Task = (ctx: Ctx, ok: Ok, fail: Fail) => void;
/** A policy in continuation-passing style: runs `task` (at most once per attempt) under its rules. */
export type Run = (task: Task, ctx: Ctx, ok: Ok, fail: Fail) => void;

/** Where a policy of this library keeps its {@link Run}. */
export const RUN: unique symbol = Symbol();

/** A {@link Policy} of this library. */
export interface Runnable extends Policy {
  readonly [RUN]: Run;
}

/**
 * A policy from its {@link Run}. Its `execute` rejects with `CONFIG` when `fn` is not a function,
 * wraps it as the innermost task and, unless `check` is false, rejects with `AbortError` without
 * running anything when the caller's signal is already aborted.
 */
export const policy = (run: Run, check = true): Runnable => ({
  [RUN]: run,
  execute: (fn, opts) =>
    new Promise((ok, fail) => {
      // Thrown here, both reject the promise.
      assertTask(fn, opts?.signal);
      if (check && opts?.signal?.aborted) throw abortErrorFrom(opts.signal);
      run(
        (ctx, ok, fail) => {
          try {
            // `Promise.resolve` returns a native promise as is and adopts other thenables.
            Promise.resolve(fn(ctx)).then(ok, fail);
          } catch (error) {
            fail(error);
          }
        },
        toCtx(opts),
        ok,
        fail,
      );
    }),
});

/** The {@link Run} of any policy: its own, or one going through `execute` for a foreign policy. */
export const runOf = (policy: Policy): Run =>
  (policy as Partial<Runnable>)[RUN] ??
  ((task, ctx, ok, fail) =>
    policy
      .execute(
        (c) => new Promise((o, f) => task(c instanceof Ctx ? c : new Ctx(c, c.attempt, ctx.idempotent), o, f)),
        ctx,
      )
      .then(ok, fail));
