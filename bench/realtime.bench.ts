// Realtime fan-out: events/s delivered to 1,000 SSE clients on loopback, the hub's `sse()` vs
// hono's `streamSSE` doing the same job (one bus subscription per client, JSON message per
// event), both served by the library's node adapter; plus heap per idle connection.
// The clients run in a child process (this file with `clients`), so their sockets are not
// counted in the server's memory.
//   node --expose-gc --import tsx bench/realtime.bench.ts
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createBus } from '../src/bus/index.js';
import { toNodeHandler } from '../src/node/index.js';
import { createRealtimeHub } from '../src/realtime/index.js';
import { markdownTable, ops, recordResults } from './results.js';

const CLIENTS = 1000;
const EVENTS = 300;
const ROUNDS = 3;
const file = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- client fleet (child process)
if (process.argv[2] === 'clients') {
  const port = Number(process.argv[3]);
  let total = 0;
  let target = Number.POSITIVE_INFINITY;
  let connected = 0;
  const sockets: Socket[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.setEncoding('latin1');
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    let carry = '';
    socket.on('connect', () => {
      if (++connected === CLIENTS) process.send?.({ connected });
    });
    socket.on('data', (chunk: string) => {
      const text = carry + chunk;
      let at = text.indexOf('\nid: ');
      while (at !== -1) {
        total++;
        at = text.indexOf('\nid: ', at + 5);
      }
      carry = text.slice(-5);
      if (total >= target) {
        target = Number.POSITIVE_INFINITY;
        process.send?.({ done: total });
      }
    });
    socket.on('error', () => undefined);
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10));
  }
  process.on('message', (m: { target?: number; exit?: boolean }) => {
    if (m.exit) {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
    if (m.target !== undefined) {
      target = m.target;
      if (total >= target) {
        target = Number.POSITIVE_INFINITY;
        process.send?.({ done: total });
      }
    }
  });
} else {
  await main();
}

// ---------------------------------------------------------------- server side
interface Contender {
  name: string;
  handler: (request: Request) => Response | Promise<Response>;
  connected(): number;
  publish(i: number): void;
  close(): void;
}

function ours(): Contender {
  const bus = createBus();
  const hub = createRealtimeHub({ bus, topics: { all: ['*'] }, maxQueue: 10_000 });
  return {
    name: '@wawagot/integrations hub.sse',
    handler: (request) => hub.sse(request),
    connected: () => hub.subscriberCount,
    publish: (i) =>
      bus.emit('ai.progress' as never, { task: 'summarise_call', percent: i % 100, note: 'x'.repeat(120) } as never),
    close: () => hub.close(),
  };
}

function hono(): Contender {
  const bus = createBus();
  let clients = 0;
  const app = new Hono();
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      clients++;
      let seq = 0;
      const unsubscribe = bus.subscribe('*', (e) => {
        const id = String(++seq);
        const message = { id, topic: 'all', type: e.type, data: e.data, time: e.time };
        void stream.writeSSE({ id, event: 'all', data: JSON.stringify(message) });
      });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      unsubscribe();
      clients--;
    }),
  );
  return {
    name: 'hono streamSSE',
    handler: app.fetch,
    connected: () => clients,
    publish: (i) =>
      bus.emit('ai.progress' as never, { task: 'summarise_call', percent: i % 100, note: 'x'.repeat(120) } as never),
    close: () => undefined,
  };
}

function heap(): number {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function run(make: () => Contender) {
  const contender = make();
  const server: Server = createServer(toNodeHandler(contender.handler));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => setTimeout(r, 50));
  const baseline = heap();
  const child: ChildProcess = fork(file, ['clients', String(port)], { execArgv: ['--import', 'tsx'] });
  const messages: Array<{ connected?: number; done?: number }> = [];
  child.on('message', (m) => messages.push(m as never));
  await waitFor(
    () => messages.some((m) => m.connected) && contender.connected() === CLIENTS,
    'clients connected',
  ).catch((e) => {
    console.log(messages, contender.connected());
    throw e;
  });
  await new Promise((r) => setTimeout(r, 200));
  const perConnection = (heap() - baseline) / CLIENTS;

  const rates: number[] = [];
  let expected = 0;
  for (let round = 0; round < ROUNDS; round++) {
    expected += EVENTS * CLIENTS;
    const doneBefore = messages.filter((m) => m.done).length;
    child.send({ target: expected });
    const start = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      contender.publish(i);
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => messages.filter((m) => m.done).length > doneBefore, 'all events delivered');
    rates.push((EVENTS * CLIENTS) / ((performance.now() - start) / 1000));
  }
  child.send({ exit: true });
  await once(child, 'exit');
  contender.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rates.sort((a, b) => a - b);
  return { name: contender.name, rate: rates[Math.floor(rates.length / 2)] as number, perConnection };
}

/** Heap held by the hub per connected SSE client, without any socket or HTTP objects. */
async function hubOnlyPerClient(): Promise<number> {
  const bus = createBus();
  const hub = createRealtimeHub({ bus, topics: { all: ['*'] } });
  const readers: Array<ReadableStreamDefaultReader<Uint8Array>> = [];
  const before = heap();
  for (let i = 0; i < CLIENTS; i++) {
    const response = await hub.sse(new Request('http://localhost/events'));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    readers.push(reader);
  }
  const perClient = (heap() - before) / CLIENTS;
  for (const reader of readers) await reader.cancel();
  hub.close();
  return perClient;
}

async function main() {
  const hubOnly = await hubOnlyPerClient();
  console.log(`hub state per SSE client (no socket): ${(hubOnly / 1024).toFixed(1)} KiB`);
  const results = [];
  for (const make of [ours, hono]) {
    const result = await run(make);
    console.log(
      `${result.name}: ${ops(result.rate)} events/s, ${(result.perConnection / 1024).toFixed(1)} KiB heap per idle connection`,
    );
    results.push(result);
  }
  const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
  const ratio = a.rate / b.rate;
  console.log(`fan-out ratio (ours / hono): ${ratio.toFixed(2)}×`);
  recordResults(
    'realtime',
    'Realtime: SSE fan-out to 1,000 clients',
    `${EVENTS} events × ${CLIENTS} loopback SSE clients per round (median of ${ROUNDS}), ~230-byte JSON messages; clients in a child process; both served through \`toNodeHandler\`. Heap per idle connection = server heap growth after ${CLIENTS} clients connect, divided by ${CLIENTS} (includes node:http's own socket objects).\n\n` +
      markdownTable(
        ['server', 'events delivered/s', 'vs hono', 'heap per idle connection'],
        results.map((r) => [
          r.name,
          ops(r.rate),
          `${(r.rate / b.rate).toFixed(2)}×`,
          `${(r.perConnection / 1024).toFixed(1)} KiB`,
        ]),
      ) +
      `\n\nOf that, the hub itself (Request, Response, stream, queue and subscription, no socket) holds ${(hubOnly / 1024).toFixed(1)} KiB per client.`,
  );
}
