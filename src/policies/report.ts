import type { EventSink } from '../bus/types.js';
import type { Logger } from '../types.js';

/**
 * Publishes a policy's event on its `bus` and logs it at `level` with `message`: the event data
 * (secret-free by construction) is the log line's object.
 */
export function report(
  to: { bus?: EventSink | undefined; logger?: Logger | undefined },
  type: string,
  data: object,
  level: 'info' | 'warn',
  message: string,
): void {
  to.bus?.emit(type as never, data as never);
  to.logger?.[level](data, message);
}
