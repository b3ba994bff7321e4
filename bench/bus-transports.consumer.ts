// Consumer process of bench/bus-transports.bench.ts: receives `warm` + `count` events in one
// work-sharing group (acking each), tells its parent once the first `warm` are in, and reports
// throughput, CPU and publish-to-handler latencies of the following `count`.
// argv: <redis|nats> <bus|raw> <stream> <count> <warm> [backlog]
// With `backlog` (Redis only) the group exists before the publisher starts and reading begins on
// the parent's `go`, once all `count` entries are in the stream: every read then finds a full
// batch, so raw and bus consumers are compared at equal batch sizes.

import { Redis } from 'ioredis';
import { AckPolicy, connect, DeliverPolicy } from 'nats';
import { createBus } from '../src/bus/index.js';
import { natsTransport } from '../src/bus/nats/index.js';
import { redisTransport } from '../src/bus/redis/index.js';

const [kind, impl, stream = 'bench', countArg = '0', warmArg = '1', mode] = process.argv.slice(2);
const count = Number(countArg);
const warm = Math.max(1, Number(warmArg));
const send = (m: unknown) => process.send?.(m);
if (mode === 'backlog' && kind === 'redis') {
  const admin = new Redis();
  await admin.xgroup('CREATE', stream, impl === 'bus' ? 'bench:bench.tick' : 'raw', '$', 'MKSTREAM');
  admin.disconnect();
  const go = new Promise((resolve) => process.once('message', resolve));
  send({ ready: true });
  await go;
}
const now = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
let first = 0;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => {
  finish = resolve;
});
let cpuAtFirst = process.cpuUsage();
let seen = 0;
function record(data: { t: number }): void {
  const at = now();
  if (++seen <= warm) {
    if (seen === warm) send({ warm: true });
    return;
  }
  if (latencies.length === 0) {
    first = at;
    cpuAtFirst = process.cpuUsage();
  }
  latencies.push(at - data.t);
  if (latencies.length === count) finish();
}
let cleanup: () => Promise<unknown>;

if (impl === 'bus') {
  let transport: ReturnType<typeof redisTransport> | ReturnType<typeof natsTransport>;
  let close: () => Promise<unknown>;
  if (kind === 'redis') {
    const redis = new Redis();
    transport = redisTransport(redis, { stream, consumer: 'c1' });
    close = () => redis.quit();
  } else {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    transport = natsTransport(nc, { stream, subjectPrefix: stream.toLowerCase() });
    close = () => nc.close();
  }
  const bus = createBus<{ 'bench.tick': { t: number; n: number } }>({ transport });
  bus.subscribe('bench.tick', (e) => record(e.data), { group: 'bench' });
  await transport.ready();
  cleanup = async () => {
    await bus.close();
    await close();
  };
} else if (kind === 'redis') {
  const redis = new Redis();
  const reader = new Redis();
  const group = 'raw';
  await redis.xgroup('CREATE', stream, group, '$', 'MKSTREAM').catch(() => undefined);
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const reply = (await reader.xreadgroup(
        'GROUP',
        group,
        'c1',
        'COUNT',
        100,
        'BLOCK',
        200,
        'STREAMS',
        stream,
        '>',
      )) as Array<[string, Array<[string, string[]]>]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (const [, fields] of entries) record(JSON.parse(fields[1] as string).data);
      await redis.xack(stream, group, ...entries.map((e) => e[0]));
    }
  })();
  cleanup = async () => {
    stop = true;
    await loop;
    reader.disconnect();
    await redis.quit();
  };
} else {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(stream, {
    durable_name: 'raw',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: `${stream.toLowerCase()}.>`,
  });
  const messages = await (await nc.jetstream().consumers.get(stream, 'raw')).consume({ max_messages: 100 });
  const loop = (async () => {
    for await (const m of messages) {
      record(JSON.parse(new TextDecoder().decode(m.data)).data);
      m.ack();
    }
  })();
  cleanup = async () => {
    messages.stop();
    await loop;
    await nc.close();
  };
}

if (mode !== 'backlog') send({ ready: true });
process.on('message', async (m: { expect?: number; close?: true }) => {
  if (m.close) {
    await cleanup();
    process.exit(0);
  }
});
await finished;
const last = now();
const cpu = process.cpuUsage(cpuAtFirst);
send({ done: true, first, last, latencies, cpuMicrosPerEvent: (cpu.user + cpu.system) / count });
