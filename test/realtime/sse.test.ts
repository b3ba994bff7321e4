import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import { formatEvent } from '../../src/realtime/sse-format.js';
import type { RealtimeHub } from '../../src/realtime/types.js';
import { createTestClock } from '../../src/testing/index.js';
import { sseReader, sseRequest } from './helpers.js';

const topics = {
  ai_progress: ['ai.*'],
  automation_status: ['workflow.*', 'queue.completed'],
  voice_call_status: ['call.ended'],
};

let hub: RealtimeHub | undefined;
afterEach(() => hub?.close());

function setup(extra: Partial<Parameters<typeof createRealtimeHub>[0]> = {}) {
  const bus = createBus();
  hub = createRealtimeHub({ bus, topics, ...extra });
  return { bus, hub };
}

function parseAll(text: string): { events: EventSourceMessage[]; retry?: number } {
  const events: EventSourceMessage[] = [];
  let retry: number | undefined;
  const parser = createParser({ onEvent: (e) => events.push(e), onRetry: (ms) => (retry = ms) });
  parser.feed(text);
  return retry === undefined ? { events } : { events, retry };
}

describe('SSE wire format', () => {
  it('answers with an event stream: retry once, then id/event/data per event', async () => {
    const { bus, hub } = setup({ retryMs: 1234 });
    const res = await hub.sse(sseRequest());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    const reader = sseReader(res.body!);
    await bus.publish('ai.progress' as never, { step: 1, text: 'line one\nline two\r\nthree' } as never);
    await bus.publish('queue.completed', { queue: 'q', jobId: 'j', attempt: 1, durationMs: 3 });
    await bus.publish('other.event' as never, {} as never); // matches no topic
    await bus.publish('call.ended' as never, { callId: 'c1' } as never);
    const [a, b, c] = await reader.events(3);
    expect(reader.retry).toBe(1234);
    expect(a?.event).toBe('ai_progress');
    expect(b?.event).toBe('automation_status');
    expect(c?.event).toBe('voice_call_status');
    const message = JSON.parse(a!.data);
    expect(message).toMatchObject({ topic: 'ai_progress', type: 'ai.progress', data: { step: 1 } });
    expect(message.data.text).toBe('line one\nline two\r\nthree');
    expect(message.id).toBe(a?.id);
    expect(typeof message.time).toBe('string');
    const seqs = [a, b, c].map((e) => Number(e!.id!.split('-')[1]));
    expect(seqs).toEqual([1, 2, 3]);
    expect(new Set([a, b, c].map((e) => e!.id!.split('-')[0])).size).toBe(1);
    expect(hub.lastEventId).toBe(c?.id);
    await reader.cancel();
  });

  it('never lets CR/LF in an event type or field value create fields or events', async () => {
    const { bus, hub } = setup({ topics: { all: ['*'] } });
    const res = await hub.sse(sseRequest());
    const reader = sseReader(res.body!);
    const evil = 'ai.x\r\nevent: admin\nid: 999\n\ndata: injected';
    await bus.publish(evil as never, { s: '\n\nevent: admin\n' } as never);
    const [event] = await reader.events(1);
    expect(event?.event).toBe('all');
    expect(JSON.parse(event!.data)).toMatchObject({ type: evil, data: { s: '\n\nevent: admin\n' } });
    await reader.cancel();
    // The formatter itself strips CR/LF/NUL from id and event lines.
    const text = formatEvent('a\r\nevent: b', 'x\ny\rz\0', 'one\ntwo');
    expect(text).toBe('id: xyz\nevent: aevent: b\ndata: one\ndata: two\n\n');
  });

  it('round-trips any data and event name through eventsource-parser (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.jsonValue(), (event, id, data) => {
        const json = JSON.stringify(data);
        const { events } = parseAll(formatEvent(event, id, json));
        expect(events).toHaveLength(1);
        expect(JSON.parse(events[0]!.data)).toEqual(JSON.parse(json));
        expect(events[0]!.event ?? '').not.toMatch(/[\r\n]/);
        // Multi-line data survives exactly: data lines are joined with LF.
        const raw = parseAll(formatEvent('e', 'i', `${event}`)).events[0]!;
        expect(raw.data).toBe(event.replace(/\r\n|\r/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('sends heartbeat comments every heartbeatMs on the injected clock', async () => {
    const clock = createTestClock();
    const { hub } = setup({ clock, heartbeatMs: 1000 });
    const res = await hub.sse(sseRequest());
    const reader = sseReader(res.body!);
    expect(clock.pending()).toBe(1); // one hub-wide timer, not one per client
    await clock.advance(1000);
    await clock.advance(1000);
    await reader.readUntil(() => reader.comments.length >= 2);
    expect(reader.comments.filter((c) => c.trim() === 'ping')).toHaveLength(2);
    await reader.cancel();
    expect(hub.subscriberCount).toBe(0);
    expect(clock.pending()).toBe(0); // no client, no timer
  });

  it('skips (and logs) an event whose data is not serialisable, without breaking others', async () => {
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (o: object) => warnings.push(o), error() {} };
    const { bus, hub } = setup({ logger });
    const res = await hub.sse(sseRequest());
    const reader = sseReader(res.body!);
    await bus.publish('ai.bad' as never, { n: 1n } as never);
    await bus.publish('ai.good' as never, { ok: true } as never);
    const [event] = await reader.events(1);
    expect(JSON.parse(event!.data).type).toBe('ai.good');
    expect(warnings).toHaveLength(1);
    await reader.cancel();
  });
});

describe('createRealtimeHub options', () => {
  const bus = createBus();
  it.each([
    [{ topics: {} }],
    [{ topics: { 'bad name': ['a'] } }],
    [{ topics: { 'x\nevent: y': ['a'] } }],
    [{ topics: { reset: ['a'] } }],
    [{ topics: { overflow: ['a'] } }],
    [{ topics: { a: [] } }],
    [{ topics: { a: ['a*b'] } }],
    [{ topics: { a: ['*.x'] } }],
    [{ topics: { a: [''] } }],
    [{ replay: -1 }],
    [{ replay: 1.5 }],
    [{ heartbeatMs: 0 }],
    [{ maxQueue: 0 }],
    [{ authorize: 'yes' }],
  ])('refuses %j with CONFIG', (bad) => {
    let error: unknown;
    try {
      createRealtimeHub({ bus, ...(bad as object) });
    } catch (e) {
      error = e;
    }
    expect(isIntegrationError(error) && error.code).toBe('CONFIG');
    expect(bus.listenerCount('*')).toBe(0);
  });

  it('refuses a missing bus and an unknown endpoint topic', async () => {
    expect(() => createRealtimeHub({} as never)).toThrow(/bus/);
    const { hub } = setup();
    await expect(hub.sse(sseRequest(), { topics: ['nope'] })).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('matches exact types, prefix.* and *; one frame per event, under the first topic', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics: { exact: ['a.b'], prefix: ['a.*'], all: ['*'] } });
    const res = await hub.sse(sseRequest());
    const reader = sseReader(res.body!);
    for (const type of ['a.b', 'a.c', 'ab.c', 'z']) await bus.publish(type as never, {} as never);
    const events = await reader.events(4);
    expect(events.map((e) => [e.event, JSON.parse(e.data).type])).toEqual([
      ['exact', 'a.b'],
      ['prefix', 'a.c'],
      ['all', 'ab.c'],
      ['all', 'z'],
    ]);
    await reader.cancel();
  });

  it('close() ends every stream, unsubscribes from the bus and answers 503 afterwards', async () => {
    const { bus, hub } = setup();
    const res = await hub.sse(sseRequest());
    const reader = sseReader(res.body!);
    expect(bus.listenerCount('*')).toBe(1);
    hub.close();
    await reader.ended();
    expect(hub.subscriberCount).toBe(0);
    expect(bus.listenerCount('*')).toBe(0);
    expect((await hub.sse(sseRequest())).status).toBe(503);
  });
});
