// Minimal node:http plumbing for the stand-ins: JSON bodies, JSON replies, fault handling.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from './faults.js';

/** A running stand-in. */
export interface StandIn {
  name: string;
  url: string;
  /** Requests received, faults injected. */
  stats: { requests: number; faults: number };
  close(): Promise<void>;
}

/** Handles one request; `body` is the parsed JSON body (or undefined). */
export type Route = (req: IncomingMessage, res: ServerResponse, body: unknown) => void | Promise<void>;

export function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts a stand-in on 127.0.0.1 (port 0 = any free port). Each request first draws a fault:
 * an error status, a 429 with `Retry-After`, or a delay before the real handler runs.
 */
export function startStandIn(name: string, route: Route, nextFault: () => Fault, port = 0): Promise<StandIn> {
  const stats = { requests: 0, faults: 0 };
  const server: Server = createServer(async (req, res) => {
    stats.requests++;
    try {
      const body = await readJson(req);
      const fault = nextFault();
      if (fault.kind !== 'none') stats.faults++;
      if (fault.kind === 'error')
        return json(res, fault.status, { error: { message: `${name} stand-in: injected ${fault.status}` } });
      if (fault.kind === 'rate-limit') {
        return json(
          res,
          429,
          { error: { message: `${name} stand-in: slow down` } },
          { 'retry-after': String(fault.retryAfterSec) },
        );
      }
      if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
      if (res.destroyed) return;
      await route(req, res, body);
    } catch (error) {
      if (!res.headersSent) json(res, 400, { error: { message: (error as Error).message } });
      else res.destroy();
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        name,
        url: `http://127.0.0.1:${actual}`,
        stats,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
