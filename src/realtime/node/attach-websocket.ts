import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { systemClock } from '../../internal/clock.js';
import { assertNumber, configError } from '../../internal/config.js';
import { errorInfo } from '../../internal/error-info.js';
import type { Clock, Logger } from '../../types.js';
import { runAuthorize } from '../authorize.js';
import type { Authorize, RealtimeHub } from '../types.js';
import { parseClientMessage } from './protocol.js';
import { upgradeRequest } from './request.js';

/** Options of {@link attachWebSocket}. */
export interface AttachWebSocketOptions {
  /** URL path the bridge answers upgrades on, e.g. `/ws`. */
  path: string;
  /** Refuses an upgrade (401) or narrows its topics. @default the hub's `authorize` */
  authorize?: Authorize;
  /** Largest client message in bytes; larger ones close the socket with 1009. @default 65536 */
  maxPayload?: number;
  /** Bytes a client may have waiting to be sent before it is cut off with `overflow`. @default 1048576 */
  maxBufferedBytes?: number;
  /** Ping interval; a client that has not answered the previous ping is terminated. @default 30000 */
  pingIntervalMs?: number;
  /** Time source for pings. @default systemClock */
  clock?: Clock;
  /** Logs refused upgrades, protocol errors and overflows. */
  logger?: Logger;
}

/** A running WebSocket bridge. */
export interface WebSocketBridge {
  /** The underlying `ws` server (no HTTP server of its own). */
  readonly wss: WebSocketServer;
  /** Connected sockets. */
  readonly clients: number;
  /** Stops accepting upgrades and closes every socket with 1001. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number): void {
  if (!socket.destroyed) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/**
 * Serves a realtime hub over WebSocket on a node:http server. Clients send
 * `{ type: 'subscribe', topics, lastEventId? }` / `{ type: 'unsubscribe', topics }` and receive
 * `{ id, topic, type, data, time }` messages; control messages (`subscribed`, `unsubscribed`,
 * `reset`, `overflow`) have no `topic`. Malformed messages close with 1008, oversized ones with
 * 1009; silent clients are dropped by ping/pong; slow ones are cut off at `maxBufferedBytes`.
 *
 * @example
 * ```ts
 * const server = createServer();
 * const bridge = attachWebSocket(server, hub, { path: '/ws' });
 * server.listen(3000);
 * // browser: ws.send(JSON.stringify({ type: 'subscribe', topics: ['ai_progress'] }))
 * ```
 */
export function attachWebSocket(server: Server, hub: RealtimeHub, options: AttachWebSocketOptions): WebSocketBridge {
  if (!server || typeof server.on !== 'function') configError('attachWebSocket needs a node:http server');
  if (!hub || typeof hub.subscribe !== 'function') configError('attachWebSocket needs a realtime hub');
  const path = options?.path;
  if (typeof path !== 'string' || !path.startsWith('/')) configError('attachWebSocket: path must start with "/"');
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    configError('attachWebSocket: authorize must be a function');
  }
  const maxPayload = assertNumber('maxPayload', options.maxPayload ?? 65_536, { integer: true, min: 64 });
  const maxBuffered = assertNumber('maxBufferedBytes', options.maxBufferedBytes ?? 1_048_576, { min: 0 });
  // Capped at the largest timer delay: a longer one fires after 1 ms and drops every client.
  const pingIntervalMs = assertNumber('pingIntervalMs', options.pingIntervalMs ?? 30_000, {
    min: 1,
    max: 2_147_483_647,
  });
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  let timer: unknown;
  let closed = false;

  async function authorize(request: Request): Promise<string[] | null> {
    if (!options.authorize) return hub.authorize(request);
    return runAuthorize(options.authorize, request, hub.topics, logger, 'upgrade');
  }

  function ping(): void {
    timer = undefined;
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
    schedule();
  }
  function schedule(): void {
    if (timer === undefined && !closed && wss.clients.size > 0) timer = clock.setTimeout(ping, pingIntervalMs);
  }

  function onConnection(ws: WebSocket, allowed: readonly string[]): void {
    alive.set(ws, true);
    let overflowed = false;
    const send = (text: string) => {
      if (overflowed || ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        overflowed = true;
        subscription.close();
        logger?.warn({ buffered: ws.bufferedAmount }, 'realtime: WebSocket client too slow; closing with overflow');
        ws.send('{"type":"overflow"}');
        ws.close(1013, 'overflow');
        return;
      }
      ws.send(text);
    };
    const subscription = hub.subscribe({
      topics: [],
      onMessage: (_message, json) => send(json),
      onControl: (control) => send(JSON.stringify(control)),
      onClose: () => ws.close(1001, 'server closing'),
    });
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : parseClientMessage(data.toString());
      if (!message) {
        logger?.warn({}, 'realtime: malformed WebSocket message; closing with 1008');
        ws.close(1008, 'malformed message');
        return;
      }
      if (message.type === 'unsubscribe') {
        subscription.remove(message.topics);
        send(JSON.stringify({ type: 'unsubscribed', topics: subscription.topics }));
        return;
      }
      // Topics that do not exist and topics that are not allowed are dropped alike.
      const granted = message.topics.filter((t) => allowed.includes(t));
      const current = subscription.topics;
      const next = hub.topics.filter((t) => current.includes(t) || granted.includes(t));
      send(JSON.stringify({ type: 'subscribed', topics: next }));
      subscription.add(granted, message.lastEventId);
    });
    ws.on('error', (error) => logger?.warn({ error: errorInfo(error) }, 'realtime: WebSocket error'));
    ws.on('close', () => subscription.close());
    schedule();
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      pathname = '';
    }
    if (pathname !== path) {
      // Other upgrade handlers may own this path; with none, do not leave the socket hanging.
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404);
      return;
    }
    socket.on('error', () => socket.destroy());
    if (closed || hub.closed) return refuse(socket, 503);
    const allowed = await authorize(upgradeRequest(req));
    if (allowed === null) return refuse(socket, 401);
    if (socket.destroyed || closed || hub.closed) return refuse(socket, 503);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, allowed));
  }
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((error) => {
      logger?.error({ error: errorInfo(error) }, 'realtime: upgrade failed');
      socket.destroy();
    });
  };
  server.on('upgrade', listener);

  return {
    wss,
    get clients() {
      return wss.clients.size;
    },
    close() {
      closed = true;
      server.off('upgrade', listener);
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      for (const ws of wss.clients) ws.close(1001, 'server closing');
      return new Promise((resolve) => {
        wss.close(() => resolve());
        // Clients that do not finish the closing handshake are cut off.
        for (const ws of wss.clients) clock.setTimeout(() => ws.terminate(), 1000);
      });
    },
  };
}
