import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Logger } from '../types.js';
import { type BodyState, toRequest } from './request.js';
import { writeResponse } from './response.js';

/** Any Fetch handler: a router's `fetch`, a Hono app's `fetch`, ... */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * After answering without reading the whole body (a 413, a 401), up to this many further
   * bytes are read and dropped so the client receives the answer; past it the connection is
   * closed. @default 1048576
   */
  maxDrainBytes?: number;
  /** Bytes buffered from the socket before it is paused. @default 65536 */
  highWaterMark?: number;
  /** Logs handler failures. */
  logger?: Logger;
}

/** A `node:http` request listener that also works as an Express handler or middleware. */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/**
 * Serves a Fetch handler from `node:http`, Express or any Connect-style server. The body reaches
 * the handler as the untouched raw bytes (mount it before any body parser), responses stream
 * back with backpressure, and an abandoned body is drained up to a limit, then the connection
 * is closed.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeHandler } from '@wawagot/integrations/node';
 * createServer(toNodeHandler(router.fetch)).listen(3000);
 * // Express: app.post('/webhooks/:name', toNodeHandler(router.fetch));
 * ```
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): NodeHandler {
  if (typeof handler !== 'function') configError('toNodeHandler: handler must be a function');
  const maxDrainBytes = assertNumber('maxDrainBytes', options.maxDrainBytes ?? 1_048_576);
  const highWaterMark = assertNumber('highWaterMark', options.highWaterMark ?? 65_536, { min: 1 });
  const { logger } = options;

  return async (req, res, next) => {
    if ((req as { _body?: boolean })._body === true || req.readableEnded) {
      const error = new Error('the request body was already consumed: mount toNodeHandler before any body parser');
      if (next) return next(error);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error');
      return;
    }
    const state: BodyState = { ended: false, discarding: false, discarded: 0 };
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    res.once('finish', () => drain(req, state, maxDrainBytes));

    let response: Response;
    try {
      response = await handler(toRequest(req, state, controller.signal, highWaterMark));
    } catch (error) {
      logger?.error({ method: req.method, error: errorInfo(error) }, 'fetch handler failed');
      if (next) return next(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
      return;
    }
    await writeResponse(response, res, req.method === 'HEAD');
  };
}

/** Drops the rest of a body the handler left unread; closes the connection past `limit`. */
function drain(req: IncomingMessage, state: BodyState, limit: number): void {
  if (state.ended || req.complete) return;
  state.discarding = true;
  const check = () => {
    if (state.discarded > limit) req.socket?.destroy();
  };
  req.on('data', check);
  check();
  req.resume();
}
