import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the test server saw. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse, seen: Seen, count: number) => void | Promise<void>;

/**
 * A real node:http server on 127.0.0.1 with per-path handlers; counts requests per path and
 * tracks closed connections (to prove that aborts close them).
 */
export async function startServer(routes: Record<string, Route>): Promise<{
  url: string;
  seen: Seen[];
  count(path: string): number;
  closedResponses: () => number;
  close(): Promise<void>;
  server: Server;
}> {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  let closed = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) closed++;
      });
      const route = routes[path];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
        return;
      }
      Promise.resolve(route(req, res, entry, n)).catch((error) => {
        res.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    count: (path) => counts.get(path) ?? 0,
    closedResponses: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
