/**
 * Node-only WebSocket bridge for a realtime hub, built on `ws` (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { attachWebSocket } from '@wawagot/integrations/realtime/node';
 * const server = createServer();
 * attachWebSocket(server, hub, { path: '/ws' });
 * server.listen(3000);
 * ```
 * @module
 */
export { type AttachWebSocketOptions, attachWebSocket, type WebSocketBridge } from './attach-websocket.js';
export { type ClientMessage, parseClientMessage } from './protocol.js';
