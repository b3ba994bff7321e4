import type { Clock, PolicyContext } from '../types.js';
import type { ExecuteOptions } from './compose.js';

/** A signal that never aborts, for calls made without one. */
export const neverAborted: AbortSignal = /* @__PURE__ */ new AbortController().signal;

/**
 * The context a policy hands to the function it runs; it is also a valid {@link ExecuteOptions}
 * for the next policy in a `compose` chain. `signal` is read from the parent only when asked
 * for, so a `timeout` that nobody listens to never has to allocate an `AbortController`.
 */
export class Ctx implements PolicyContext {
  constructor(
    readonly parent: ExecuteOptions | undefined,
    readonly attempt: number,
    readonly idempotent?: boolean | undefined,
  ) {}
  get signal(): AbortSignal {
    return this.parent?.signal ?? neverAborted;
  }
}

/** The context for `attempt`, reusing `opts` when it already is one. */
export function toCtx(opts: ExecuteOptions | undefined, attempt = opts?.attempt ?? 1): Ctx {
  return opts instanceof Ctx && opts.attempt === attempt ? opts : new Ctx(opts, attempt, opts?.idempotent);
}

/**
 * `clock` whose timers keep the process alive while they are pending (`ref` where the runtime
 * has it). Used for waits a caller is awaiting (a retry delay, a queued rate-limited call):
 * exiting during one would drop work silently. Housekeeping timers stay unref'd.
 */
export function keepAlive(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimeout(fn, ms) {
      const handle = clock.setTimeout(fn, ms);
      (handle as { ref?: () => void } | null)?.ref?.();
      return handle;
    },
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}
