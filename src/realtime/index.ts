/**
 * Realtime push of bus events to browsers and services: Server-Sent Events with replay,
 * heartbeats, backpressure and authorization (Web-standard, runs on edge runtimes), and a
 * reconnecting SSE client. The WebSocket bridge lives in `@wawagot/integrations/realtime/node`.
 *
 * @example
 * ```ts
 * import { createRealtimeHub } from '@wawagot/integrations/realtime';
 * const hub = createRealtimeHub({ bus, topics: { automation_status: ['workflow.*'] } });
 * export default { fetch: (request: Request) => hub.sse(request) };
 * ```
 * @module
 */
export { type ConnectSSEOptions, connectSSE, type SSEConnection } from './client.js';
export { createRealtimeHub } from './hub.js';
export type {
  Authorize,
  AuthorizeResult,
  RealtimeControl,
  RealtimeHub,
  RealtimeHubOptions,
  RealtimeItem,
  RealtimeMessage,
  RealtimeSource,
  SseOptions,
  SubscribeOptions,
  Subscription,
} from './types.js';
