/**
 * Node adapter: serve any Fetch handler (a webhook router, a realtime hub, a Hono app) from
 * `node:http` or Express, with the raw request body passed through untouched.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeHandler } from '@wawagot/integrations/node';
 * createServer(toNodeHandler((request) => new Response('ok'))).listen(3000);
 * ```
 * @module
 */
export { type FetchHandler, type NodeHandler, type NodeHandlerOptions, toNodeHandler } from './to-node-handler.js';
