// Bus emit/publish against eventemitter3 (emitting a hand-built envelope of the same shape),
// mitt and emittery, plus heap growth under subscribe/unsubscribe churn.
import Emittery from 'emittery';
import { EventEmitter } from 'eventemitter3';
import mittModule from 'mitt';
import { createBus } from '../src/bus/index.js';
import { duration, type Measurement, measure } from './measure.js';
import { markdownTable, ops, recordResults } from './results.js';

type Events = { 'order.paid': { id: number } };
// mitt's types are CommonJS-style; its ESM build's default export is the factory itself.
const mitt = mittModule as unknown as (typeof mittModule)['default'];
const payload = { id: 1 };
let sink = 0;
const handler = () => {
  sink++;
};
const envelope = () => ({
  specversion: '1.0',
  id: crypto.randomUUID(),
  source: 'bench',
  type: 'order.paid',
  time: new Date().toISOString(),
  data: payload,
});

async function scenario(handlers: number): Promise<Measurement[]> {
  const bus = createBus<Events>({ source: 'bench' });
  const ee = new EventEmitter();
  const m = mitt<{ 'order.paid': unknown }>();
  const em = new Emittery();
  for (let i = 0; i < handlers; i++) {
    bus.subscribe('order.paid', handler);
    ee.on('order.paid', handler);
    m.on('order.paid', handler);
    em.on('order.paid', handler);
  }
  return [
    await measure('eventemitter3 emit (hand-built envelope)', () => ee.emit('order.paid', envelope())),
    await measure('mitt emit (hand-built envelope)', () => m.emit('order.paid', envelope())),
    await measure('emittery emit (hand-built envelope)', () => em.emit('order.paid', envelope())),
    await measure('bus.emit', () => bus.emit('order.paid', payload)),
    await measure('bus.publish', () => bus.publish('order.paid', payload)),
  ];
}

async function churn(): Promise<{ before: number; after: number }> {
  const bus = createBus<Events>();
  const gc = (globalThis as { gc?: () => void }).gc;
  bus.subscribe('order.paid', handler);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1_000_000; i++) {
    const off = i % 10 === 0 ? bus.subscribe('order.paid', handler) : undefined;
    await bus.publish('order.paid', payload);
    off?.();
  }
  gc?.();
  return { before, after: process.memoryUsage().heapUsed };
}

const rows: Array<Array<string | number>> = [];
const ratios: string[] = [];
for (const handlers of [1, 10]) {
  const results = await scenario(handlers);
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const ee = byName['eventemitter3 emit (hand-built envelope)'] as Measurement;
  const emittery = byName['emittery emit (hand-built envelope)'] as Measurement;
  for (const r of results) {
    rows.push([handlers, r.name, duration(r.nsPerOp), ops(r.opsPerSec), `${(r.opsPerSec / ee.opsPerSec).toFixed(2)}×`]);
  }
  const emit = byName['bus.emit'] as Measurement;
  const publish = byName['bus.publish'] as Measurement;
  ratios.push(
    `${handlers} handler(s): bus.emit = ${(emit.opsPerSec / ee.opsPerSec).toFixed(2)}× eventemitter3 (goal ≥ 0.8×); ` +
      `bus.publish = ${(publish.opsPerSec / emittery.opsPerSec).toFixed(1)}× emittery emit (goal ≥ 3×)`,
  );
}
const heap = await churn();
const growthMb = (heap.after - heap.before) / 1024 / 1024;
const table = markdownTable(['handlers', 'emitter', 'per op', 'ops/s', 'vs eventemitter3'], rows);
const text = `${table}\n\n${ratios.map((r) => `- ${r}`).join('\n')}\n- heap after 1,000,000 publishes with subscribe/unsubscribe churn: ${growthMb.toFixed(2)} MB growth (goal ≤ 5 MB)`;
console.log(text);
recordResults('bus', 'Event bus: emit and publish', text);
if (sink < 0) console.log(sink);
