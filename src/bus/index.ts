/**
 * Typed in-process event bus with CloudEvents 1.0 envelopes.
 *
 * @example
 * ```ts
 * import { createBus } from '@wawagot/integrations/bus';
 * const bus = createBus<{ 'ai.completed': { text: string } }>();
 * bus.subscribe('ai.completed', (e) => console.log(e.data.text));
 * await bus.publish('ai.completed', { text: 'hi' });
 * ```
 * @module
 */
export { createBus } from './create-bus.js';
export type { ErrorInfo, SystemEvents, SystemEventType } from './system-events.js';
export type {
  Bus,
  BusOptions,
  BusTransport,
  Envelope,
  EnvelopeOf,
  EventMap,
  EventSink,
  Handler,
  PublishOptions,
  SubscribeOptions,
  WaitForOptions,
} from './types.js';
