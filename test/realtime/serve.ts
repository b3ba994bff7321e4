// Serves a Fetch handler (a realtime hub's `sse`) from node:http on a loopback port, through the
// library's own node adapter.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchHandler, toNodeHandler } from '../../src/node/index.js';

/** Starts a server on a free loopback port (or `port`) and returns it with its base URL. */
export async function serve(
  handler: FetchHandler,
  port = 0,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(toNodeHandler(handler));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
