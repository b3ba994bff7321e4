// One HTTP server for the app: the dashboard page of examples/dashboard at `/`, the realtime
// hub's SSE stream at `/events` and WebSocket bridge at `/ws`, the webhook routes under `/webhooks/`.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@wawagot/integrations/node';
import type { RealtimeHub } from '@wawagot/integrations/realtime';
import { attachWebSocket } from '@wawagot/integrations/realtime/node';

const dashboardPage = readFileSync(new URL('../dashboard/index.html', import.meta.url), 'utf8').replaceAll(
  'Integrations dashboard',
  'WAWAGOT demo dashboard',
);

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Starts listening on 127.0.0.1:`port` (0 = any free port); rejects when the port is taken. */
export async function startServer(options: {
  hub: RealtimeHub;
  webhooks: (request: Request) => Promise<Response>;
  port: number;
}): Promise<AppServer> {
  const { hub, webhooks } = options;
  const server = createServer(
    toNodeHandler(async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname.startsWith('/webhooks/')) return webhooks(request);
      if (pathname === '/events') return hub.sse(request);
      if (pathname === '/') {
        return new Response(dashboardPage, {
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        });
      }
      return new Response('not found', { status: 404 });
    }),
  );
  const bridge = attachWebSocket(server, hub, { path: '/ws' });
  const close = async () => {
    await bridge.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  server.listen(options.port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    await bridge.close();
    throw error;
  }
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
