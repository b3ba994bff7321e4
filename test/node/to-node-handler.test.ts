import { createHash } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../../src/node/index.js';
import { createWebhookRouter, github, signWebhook } from '../../src/webhooks/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw node:http client request that streams `chunks` lazily and reports what happened. */
function send(url: string, headers: Record<string, string>, chunks: () => Iterable<Buffer>) {
  return new Promise<{ status?: number; body: string; error?: string; written: number }>((resolve) => {
    const result: { status?: number; body: string; error?: string; written: number } = { body: '', written: 0 };
    const req = httpRequest(url, { method: 'POST', headers, agent: false });
    req.on('response', (res) => {
      result.status = res.statusCode;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        result.body += d;
      });
      res.on('end', () => resolve(result));
      res.on('error', () => resolve(result));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      result.error = e.code ?? e.message;
      // A reset after the answer arrived still resolves with the answer.
      setTimeout(() => resolve(result), 50);
    });
    const it = chunks()[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = it.next();
        if (next.done) return req.end();
        result.written += next.value.length;
        if (!req.write(next.value)) return req.once('drain', pump);
      }
    };
    pump();
  });
}

describe('toNodeHandler over real sockets', () => {
  it('passes the raw body untouched (chunked, non-UTF-8) and writes status, headers, cookies', async () => {
    const url = await listen(
      toNodeHandler(async (request) => {
        const bytes = new Uint8Array(await request.arrayBuffer());
        const headers = new Headers({
          'x-sha': createHash('sha256').update(bytes).digest('hex'),
          'x-path': new URL(request.url).pathname,
        });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response(`got ${bytes.length}`, { status: 201, headers });
      }),
    );
    const raw = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x7b, 0x22, 0x0d, 0x0a]);
    const res = await fetch(`${url}/x?y=1`, {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          c.enqueue(raw.subarray(0, 3));
          c.enqueue(raw.subarray(3));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-sha')).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(res.headers.get('x-path')).toBe('/x');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.text()).toBe('got 8');
  });

  it('streams the response body as it is produced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const url = await listen(
      toNodeHandler(
        () =>
          new Response(
            new ReadableStream({
              async start(c) {
                c.enqueue(new TextEncoder().encode('first;'));
                await gate;
                c.enqueue(new TextEncoder().encode('second'));
                c.close();
              },
            }),
          ),
      ),
    );
    const res = await fetch(url);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('second');
  });

  it('serves the webhook router: 202 for a signed delivery, 401 otherwise', async () => {
    const scheme = github({ secret: 'node-secret' });
    const router = createWebhookRouter({ routes: { '/webhooks/gh': { scheme } } });
    const url = await listen(toNodeHandler(router.fetch));
    const body = '{"zen":"Design for failure."}';
    const headers = await signWebhook(body, scheme);
    const ok = await fetch(`${url}/webhooks/gh`, { method: 'POST', body, headers });
    expect(ok.status).toBe(202);
    const bad = await fetch(`${url}/webhooks/gh`, { method: 'POST', body: `${body} `, headers });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe('invalid signature');
  });

  it('a 20 MB body to a 1 MiB route gets 413 early, without buffering it, and the server keeps serving', async () => {
    let bytesSeen = 0;
    const scheme = github({ secret: 's' });
    const router = createWebhookRouter({ routes: { '/big': { scheme } }, maxBodyBytes: 1_048_576 });
    const url = await listen(
      toNodeHandler(async (request) => {
        const response = await router.fetch(request);
        bytesSeen = response.status;
        return response;
      }),
    );
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const started = Date.now();
    const result = await send(
      `${url}/big`,
      { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      function* () {
        for (let i = 0; i < 320; i++) yield chunk; // 20 MiB, no Content-Length (chunked)
      },
    );
    expect(result.status).toBe(413);
    expect(result.body).toBe('payload too large');
    expect(bytesSeen).toBe(413);
    // The answer came long before the client could push the 20 MiB.
    expect(result.written).toBeLessThan(16 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The same server still answers.
    const body = '{}';
    const ok = await fetch(`${url}/big`, { method: 'POST', body, headers: await signWebhook(body, scheme) });
    expect(ok.status).toBe(202);
  });

  it('a declared Content-Length over the limit is refused before the body is read', async () => {
    const router = createWebhookRouter({ routes: { '/big': { scheme: github({ secret: 's' }) } }, maxBodyBytes: 1024 });
    const url = await listen(toNodeHandler(router.fetch));
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const result = await send(`${url}/big`, { 'content-length': String(20 * 1024 * 1024) }, function* () {
      for (let i = 0; i < 320; i++) yield chunk;
    });
    expect(result.status).toBe(413);
  });

  it('works as an Express-style (req, res, next) handler: originalUrl, errors to next', async () => {
    const scheme = github({ secret: 'x' });
    const router = createWebhookRouter({ routes: { '/hooks/gh': { scheme } } });
    const node = toNodeHandler(router.fetch);
    const failing = toNodeHandler(() => {
      throw new Error('boom');
    });
    const seen: unknown[] = [];
    // What Express does for app.use('/hooks', handler): strips the mount path from req.url.
    const url = await listen((req, res) => {
      const next = (error?: unknown) => {
        seen.push(error);
        res.writeHead(599).end();
      };
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      if (req.url?.startsWith('/hooks/')) {
        req.url = req.url.slice('/hooks'.length);
        void node(req, res, next);
      } else void failing(req, res, next);
    });
    const body = '{"a":1}';
    const ok = await fetch(`${url}/hooks/gh`, { method: 'POST', body, headers: await signWebhook(body, scheme) });
    expect(ok.status).toBe(202);
    const err = await fetch(`${url}/other`, { method: 'POST', body });
    expect(err.status).toBe(599);
    expect((seen[0] as Error).message).toBe('boom');
  });

  it('refuses a body already consumed by a body parser', async () => {
    const node = toNodeHandler(() => new Response('unreachable'));
    const url = await listen((req, res) => {
      (req as IncomingMessage & { _body?: boolean })._body = true; // what body-parser marks
      void node(req, res);
    });
    const res = await fetch(url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
  });

  it('aborts the request signal when the client goes away', async () => {
    let aborted!: () => void;
    const wasAborted = new Promise<void>((r) => {
      aborted = r;
    });
    const url = await listen(
      toNodeHandler(
        (request) =>
          new Promise<Response>(() => {
            request.signal.addEventListener('abort', () => aborted());
          }),
      ),
    );
    const controller = new AbortController();
    const pending = fetch(url, { signal: controller.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await pending;
    await wasAborted;
  });
});
