// Process-to-process throughput and latency of the bus transports against raw client loops:
// a publisher (this process) and a consumer process (bench/bus-transports.consumer.ts) in one
// work-sharing group that acks every event. Raw baselines: an ioredis XADD / XREADGROUP+XACK
// loop and a nats.js JetStream publish (with Nats-Msg-Id) / pull-consume+ack loop, carrying the
// same CloudEvents JSON.
import { fork } from 'node:child_process';
import { Redis } from 'ioredis';
import { connect, StorageType } from 'nats';
import { createBus } from '../src/bus/index.js';
import { natsTransport } from '../src/bus/nats/index.js';
import { redisTransport } from '../src/bus/redis/index.js';
import { markdownTable, ops, recordResults } from './results.js';

type Kind = 'redis' | 'nats';
type Impl = 'bus' | 'raw';
const THROUGHPUT = 10_000;
const LATENCY = 1_000;
// Paired rounds, raw going first in every other one; BUS_BENCH_ROUNDS overrides (kept even, so
// both orders count alike).
const ROUNDS = 2 * Math.ceil(Number(process.env.BUS_BENCH_ROUNDS ?? 12) / 2);
const WINDOW = 64;
const now = () => performance.timeOrigin + performance.now();
const consumerScript = new URL('./bus-transports.consumer.ts', import.meta.url).pathname;

const redis = new Redis();
const nc = await connect({ servers: '127.0.0.1:4222' });
const jsm = await nc.jetstreamManager();
const js = nc.jetstream();
const streams: string[] = [];

function envelopeJson(data: unknown): { id: string; json: string } {
  const id = crypto.randomUUID();
  const json = JSON.stringify({
    specversion: '1.0',
    id,
    source: 'bench',
    type: 'bench.tick',
    time: new Date().toISOString(),
    data,
  });
  return { id, json };
}

async function publisher(kind: Kind, impl: Impl, stream: string) {
  if (impl === 'bus') {
    const transport =
      kind === 'redis'
        ? redisTransport(redis, { stream })
        : natsTransport(nc, { stream, subjectPrefix: stream.toLowerCase() });
    const bus = createBus<{ 'bench.tick': { t: number; n: number } }>({ transport });
    return {
      send: (n: number) => bus.publish('bench.tick', { t: now(), n }).then(() => undefined),
      close: () => bus.close(),
    };
  }
  const encoder = new TextEncoder();
  if (kind === 'redis') {
    return {
      send: async (n: number) => {
        const { json } = envelopeJson({ t: now(), n });
        await redis.xadd(stream, 'MAXLEN', '~', '100000', '*', 'e', json);
      },
      close: async () => {},
    };
  }
  return {
    send: async (n: number) => {
      const { id, json } = envelopeJson({ t: now(), n });
      await js.publish(`${stream.toLowerCase()}.bench.tick`, encoder.encode(json), { msgID: id });
    },
    close: async () => {},
  };
}

// Before the measured `count` events, `count / 5` more warm both processes up (JIT, connections):
// the measurement is of running processes, not of their start.
async function run(kind: Kind, impl: Impl, count: number, window: number, backlog = false) {
  const warm = Math.ceil(count / 5);
  const stream = `bench_${kind}_${impl}_${Date.now().toString(36)}`;
  streams.push(stream, `${stream}_DEAD`, `${stream}:dead`);
  if (kind === 'nats') {
    await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`], storage: StorageType.File });
  }
  const args = [kind, impl, stream, String(count), String(warm), ...(backlog ? ['backlog'] : [])];
  const child = fork(consumerScript, args, {
    // BUS_BENCH_PROF=<dir> writes a CPU profile of every consumer process there.
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BUS_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BUS_BENCH_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const message = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`consumer exited with ${code}`)));
    });
  await message('ready');
  const warmed = message('warm');
  warmed.catch(() => undefined);
  const done = message('done');
  const pub = await publisher(kind, impl, stream);
  let next = 0;
  const sendUntil = (end: number) =>
    Promise.all(
      Array.from({ length: window }, async () => {
        while (next < end) await pub.send(next++);
      }),
    );
  await sendUntil(warm);
  // With a backlog the consumer reads nothing before `go`: it warms up on the first entries.
  if (!backlog) await warmed;
  const start = now();
  const cpuStart = process.cpuUsage();
  await sendUntil(warm + count);
  const pubCpu = process.cpuUsage(cpuStart);
  if (backlog) child.send({ go: true });
  const result = (await done) as { last: number; latencies: number[]; cpuMicrosPerEvent: number };
  child.send({ close: true });
  await new Promise((resolve) => child.once('exit', resolve));
  await pub.close();
  const sorted = result.latencies.sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
  return {
    rate: count / ((result.last - start) / 1000),
    p50: pct(0.5),
    p99: pct(0.99),
    cpu: result.cpuMicrosPerEvent,
    pubCpu: (pubCpu.user + pubCpu.system) / count,
  };
}

type Sample = {
  rate: number;
  p50: number;
  p99: number;
  loadP50: number;
  loadP99: number;
  cpu: number;
  pubCpu: number;
  drainCpu: number;
};
const rows: Array<Array<string | number>> = [];
const notes: string[] = [];
const roundLines: string[] = [];
// `node --import tsx bench/bus-transports.bench.ts redis` measures one transport (and records nothing).
const only = process.argv.slice(2).filter((a): a is Kind => a === 'redis' || a === 'nats');
const kinds: Kind[] = only.length > 0 ? only : ['redis', 'nats'];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
// The side that runs second in a round tends to do better (the machine settles after the run
// before it): each raw-first round is combined with the bus-first round after it (geometric
// mean), which cancels that, and the median of these pairs is the ratio reported.
const balanced = (values: number[]) =>
  Array.from({ length: Math.floor(values.length / 2) }, (_, i) =>
    Math.sqrt((values[2 * i] as number) * (values[2 * i + 1] as number)),
  );
const ratio = (values: number[]) => `${median(balanced(values)).toFixed(2)}×`;
const range = (values: number[]) => spread(balanced(values));
const byOrder = (values: number[]) =>
  `raw-first rounds ${median(values.filter((_, i) => i % 2 === 0)).toFixed(2)}×, bus-first ${median(values.filter((_, i) => i % 2 === 1)).toFixed(2)}×`;
for (const kind of kinds) {
  const samples: Record<Impl, Sample[]> = { raw: [], bus: [] };
  // bus / raw of each round: the two runs of a round see about the same machine load.
  const ratios = { rate: [] as number[], pubCpu: [] as number[], cpu: [] as number[], drainCpu: [] as number[] };
  // The machine is shared: ROUNDS rounds of raw and bus back to back, the side that goes first
  // alternating, and medians.
  for (const impl of ['raw', 'bus'] as const) await run(kind, impl, 2000, WINDOW); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order: Impl[] = round % 2 === 0 ? ['raw', 'bus'] : ['bus', 'raw'];
    // Each measurement runs for both sides back to back, so a pair sees about the same load.
    const both = async (count: number, window: number, backlog = false) => {
      const out = {} as Record<Impl, Awaited<ReturnType<typeof run>>>;
      for (const impl of order) out[impl] = await run(kind, impl, count, window, backlog);
      return out;
    };
    const throughput = await both(THROUGHPUT, WINDOW);
    const latency = await both(LATENCY, 1);
    const drain = kind === 'redis' ? await both(THROUGHPUT, WINDOW, true) : undefined;
    const got = {} as Record<Impl, Sample>;
    for (const impl of order) {
      got[impl] = {
        rate: throughput[impl].rate,
        p50: latency[impl].p50,
        p99: latency[impl].p99,
        loadP50: throughput[impl].p50,
        loadP99: throughput[impl].p99,
        cpu: throughput[impl].cpu,
        drainCpu: drain?.[impl].cpu ?? Number.NaN,
        pubCpu: throughput[impl].pubCpu,
      };
      samples[impl].push(got[impl]);
    }
    for (const k of ['rate', 'pubCpu', 'cpu', 'drainCpu'] as const) ratios[k].push(got.bus[k] / got.raw[k]);
    console.log(
      `${kind} round ${round + 1}/${ROUNDS} (${order[0]} first): events/s raw ${ops(got.raw.rate)}, bus ${ops(got.bus.rate)} = ${(got.bus.rate / got.raw.rate).toFixed(2)}×; consumer CPU/event raw ${got.raw.cpu.toFixed(1)} µs, bus ${got.bus.cpu.toFixed(1)} µs`,
    );
  }
  const results = {} as Record<Impl, Sample>;
  for (const impl of ['raw', 'bus'] as const) {
    const pick = (k: keyof Sample) => median(samples[impl].map((x) => x[k]));
    const r: Sample = {
      rate: pick('rate'),
      p50: pick('p50'),
      p99: pick('p99'),
      loadP50: pick('loadP50'),
      loadP99: pick('loadP99'),
      cpu: pick('cpu'),
      drainCpu: pick('drainCpu'),
      pubCpu: pick('pubCpu'),
    };
    results[impl] = r;
    const label =
      impl === 'bus'
        ? `bus + ${kind}Transport`
        : kind === 'redis'
          ? 'raw ioredis XADD/XREADGROUP'
          : 'raw nats.js JetStream';
    rows.push([
      label,
      ops(r.rate),
      `${r.p50.toFixed(2)} ms`,
      `${r.p99.toFixed(2)} ms`,
      `${r.loadP50.toFixed(1)} / ${r.loadP99.toFixed(1)} ms`,
      `${r.pubCpu.toFixed(1)} µs`,
      `${r.cpu.toFixed(1)} µs`,
      Number.isNaN(r.drainCpu) ? '—' : `${r.drainCpu.toFixed(1)} µs`,
    ]);
    console.log(
      label,
      ops(r.rate),
      'events/s',
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      `CPU/event: publisher ${r.pubCpu.toFixed(1)} µs, consumer ${r.cpu.toFixed(1)} µs${Number.isNaN(r.drainCpu) ? '' : ` (${r.drainCpu.toFixed(1)} µs draining a backlog)`}`,
    );
  }
  const drainNote =
    kind === 'redis' ? `, ${ratio(ratios.drainCpu)} (consumer, full batches; ${range(ratios.drainCpu)})` : '';
  notes.push(
    `${kind}: bus throughput = ${ratio(ratios.rate)} raw (goal ≥ 0.9×; pairs of rounds ${range(ratios.rate)}; ${byOrder(ratios.rate)}); p50 latency ${(results.bus.p50 / results.raw.p50).toFixed(2)}× raw; CPU per event ${ratio(ratios.pubCpu)} raw (publisher; ${range(ratios.pubCpu)}), ${ratio(ratios.cpu)} (consumer; ${range(ratios.cpu)})${drainNote}`,
  );
  roundLines.push(`${kind}: ${ratios.rate.map((x) => `${x.toFixed(2)}×`).join(', ')}`);
}

for (const s of streams) {
  await redis.del(s).catch(() => 0);
  await jsm.streams.delete(s).catch(() => false);
}
redis.disconnect();
await nc.close();

const table = markdownTable(
  [
    'transport',
    'events/s (10,000, 64 in flight)',
    'latency p50 (one at a time)',
    'latency p99',
    'p50 / p99 under load',
    'publisher CPU per event',
    'consumer CPU per event',
    'consumer CPU per event, full batches',
  ],
  rows,
);
console.log(`\n${table}\n\n${notes.join('\n')}\n\nbus / raw events/s per round:\n${roundLines.join('\n')}`);
if (only.length === 0)
  recordResults(
    'bus-transports',
    'Bus transports: process to process',
    `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nbus / raw events/s in each round: ${roundLines.join('; ')}.\n\nPublisher and consumer are separate processes on one machine; the consumer is one member of a work-sharing group and acks every event. Latency is publish call → handler, across processes. Every run first passes a fifth as many unmeasured events, so both processes are measured running, not starting up. Both sides carry the same CloudEvents JSON (the bus adds its origin field to each Redis entry), and on Redis read up to 100 entries per XREADGROUP and ack each batch with one XACK, awaited before the next read. ${ROUNDS} rounds, each running every measurement for raw and bus back to back, the side going first alternating between rounds; the table shows medians. A ratio combines each raw-first round with the bus-first round after it (geometric mean of their own bus / raw ratios: the side running second tends to do better) and is the median of these pairs, shown with their range, so a load swing that hits one round hits both sides. On this shared, loaded machine every figure still swings from round to round (see the ranges). The consumer's CPU per event depends on how many entries each read finds, so on the publisher's pace: a consumer that keeps up reads small batches and spends more per event; the last column drains a 10,000-entry backlog, 100 entries per read for both.`,
  );
