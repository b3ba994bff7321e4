import { errorInfo } from '../internal/error-info.js';
import type { Logger } from '../types.js';

/** A consumer a transport started: `started` settles once it listens (or failed to). */
export interface ConsumerLoop {
  started: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The consumers of one transport: `ready()` waits for every setup tracked so far (a failed one
 * is logged, not thrown), `add` returns the loop's stop (idempotent; a failure to stop is
 * logged, never a rejection), `stopAll` stops those still running.
 */
export function consumerSet(logger: Logger | undefined, stream: string) {
  const setups = new Set<Promise<unknown>>();
  const stops = new Set<() => Promise<void>>();
  const track = (p: Promise<unknown>, group?: string): void => {
    const settled = p.catch((error: unknown) => {
      logger?.error({ stream, group, error: errorInfo(error) }, 'bus consumer failed to start');
    });
    setups.add(settled);
    settled.then(() => setups.delete(settled));
  };
  return {
    setups,
    track,
    async ready(): Promise<void> {
      while (setups.size > 0) await Promise.allSettled([...setups]);
    },
    add(loop: ConsumerLoop, group?: string): () => Promise<void> {
      track(loop.started, group);
      let stopping: Promise<void> | undefined;
      const stop = () => {
        // A consumer that fails to stop is logged: callers of an unsubscribe need not await it.
        stopping ??= loop
          .stop()
          .catch((error: unknown) => {
            logger?.error({ stream, group, error: errorInfo(error) }, 'bus consumer failed to stop');
          })
          .finally(() => stops.delete(stop));
        return stopping;
      };
      stops.add(stop);
      return stop;
    },
    stopAll: (): Promise<unknown> => Promise.all([...stops].map((stop) => stop())),
  };
}
