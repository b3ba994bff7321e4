import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import type { RealtimeHub } from '../../src/realtime/types.js';
import { sseReader, sseRequest } from './helpers.js';

const topics = { ai_progress: ['ai.*'], automation_status: ['workflow.*'], secret_admin: ['admin.*'] };
let hub: RealtimeHub | undefined;
afterEach(() => hub?.close());

async function publishMany(bus: { publish(type: any, data: any): Promise<unknown> }, type: string, count: number) {
  for (let i = 0; i < count; i++) await bus.publish(type as never, { i } as never);
}

describe('replay', () => {
  it('replays the missed events after Last-Event-ID, then continues live', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics });
    await publishMany(bus, 'ai.step', 5);
    const first = await hub.sse(sseRequest());
    const r1 = sseReader(first.body!);
    await publishMany(bus, 'ai.step', 2);
    const seen = await r1.events(2);
    await r1.cancel();
    await publishMany(bus, 'ai.step', 3); // missed while disconnected
    const res = await hub.sse(sseRequest('/events', { headers: { 'last-event-id': seen[1]!.id! } }));
    const r2 = sseReader(res.body!);
    const replayed = await r2.events(3);
    expect(replayed.map((e) => JSON.parse(e.data).data.i)).toEqual([0, 1, 2]);
    await bus.publish('ai.step' as never, { i: 'live' } as never);
    const [live] = await r2.events(1);
    expect(JSON.parse(live!.data).data.i).toBe('live');
    const seqs = [...replayed, live!].map((e) => Number(e.id!.split('-')[1]));
    expect(seqs).toEqual([8, 9, 10, 11]);
    await r2.cancel();
  });

  it('accepts ?lastEventId= and replays only the topics the client asked for', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics });
    const start = await hub.sse(sseRequest());
    const r0 = sseReader(start.body!);
    await bus.publish('ai.a' as never, {} as never);
    const [mark] = await r0.events(1);
    await r0.cancel();
    await bus.publish('workflow.started', { workflow: 'w', runId: 'r' });
    await bus.publish('ai.b' as never, {} as never);
    const res = await hub.sse(sseRequest(`/events?topics=ai_progress&lastEventId=${mark!.id}`));
    const reader = sseReader(res.body!);
    const [event] = await reader.events(1);
    expect(JSON.parse(event!.data)).toMatchObject({ type: 'ai.b', topic: 'ai_progress' });
    await reader.cancel();
  });

  it('sends a reset event when the id is older than the buffer, from another hub, or garbage', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics, replay: 3 });
    const start = await hub.sse(sseRequest());
    const r0 = sseReader(start.body!);
    await bus.publish('ai.a' as never, {} as never);
    const [mark] = await r0.events(1);
    await r0.cancel();
    await publishMany(bus, 'ai.more', 5); // the buffer keeps only 3
    const cases: Array<[string, string]> = [
      [mark!.id!, 'too_old'],
      ['zzzzzz-1', 'unknown_id'],
      ['not an id', 'unknown_id'],
      [`${mark!.id!.split('-')[0]}-999`, 'unknown_id'],
    ];
    for (const [id, reason] of cases) {
      const res = await hub.sse(sseRequest('/events', { headers: { 'last-event-id': id } }));
      const reader = sseReader(res.body!);
      const [reset] = await reader.events(1);
      expect(reset?.event).toBe('reset');
      expect(JSON.parse(reset!.data)).toEqual({ type: 'reset', reason, lastEventId: hub.lastEventId });
      expect(reset?.id).toBe(hub.lastEventId); // the client moves past the gap
      await bus.publish('ai.after' as never, {} as never);
      const [next] = await reader.events(1);
      expect(JSON.parse(next!.data).type).toBe('ai.after');
      await reader.cancel();
    }
  });

  it('with replay: 0, any old id gets a reset', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics, replay: 0 });
    await bus.publish('ai.a' as never, {} as never);
    const id = hub.lastEventId!;
    await bus.publish('ai.b' as never, {} as never);
    const res = await hub.sse(sseRequest('/events', { headers: { 'last-event-id': id } }));
    const reader = sseReader(res.body!);
    const [reset] = await reader.events(1);
    expect(reset?.event).toBe('reset');
    await reader.cancel();
  });
});

describe('authorization', () => {
  const CANARY = 'canary-secret-7f3a9';
  const authorize = (req: Request) => {
    const auth = req.headers.get('authorization');
    if (auth === 'Bearer admin') return { topics: ['ai_progress', 'automation_status', 'secret_admin'] };
    if (auth === 'Bearer user') return { topics: ['ai_progress', 'not_a_topic'] };
    if (auth === 'Bearer boom') throw new Error(`db down ${CANARY}`);
    return false as const;
  };

  it('401 before anything is sent, with a body that names no topic', async () => {
    const bus = createBus();
    const logged: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (o: object, msg?: string) => logged.push(JSON.stringify(o) + msg),
    };
    hub = createRealtimeHub({ bus, topics, authorize, logger });
    for (const auth of [undefined, `Bearer ${CANARY}`, 'Bearer boom']) {
      const res = await hub.sse(
        sseRequest('/events?topics=secret_admin', auth ? { headers: { authorization: auth } } : {}),
      );
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).toBe('unauthorized');
      expect(text + JSON.stringify([...res.headers])).not.toMatch(/secret_admin|ai_progress|canary/);
    }
    expect(hub.subscriberCount).toBe(0);
    expect(logged.join('')).toContain('authorize threw');
    expect(logged.join('')).not.toContain(CANARY);
  });

  it('forbidden and unknown topics get the same 403; allowed ones are the only ones delivered', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics, authorize });
    const user = { authorization: 'Bearer user' };
    const forbidden = await hub.sse(sseRequest('/events?topics=secret_admin', { headers: user }));
    const unknown = await hub.sse(sseRequest('/events?topics=does_not_exist', { headers: user }));
    expect([forbidden.status, unknown.status]).toEqual([403, 403]);
    expect(await forbidden.text()).toBe(await unknown.text());

    const res = await hub.sse(sseRequest('/events', { headers: user }));
    expect(res.status).toBe(200);
    const reader = sseReader(res.body!);
    await bus.publish('admin.password_reset' as never, { user: 'x' } as never);
    await bus.publish('workflow.started', { workflow: 'w', runId: 'r' });
    await bus.publish('ai.done' as never, {} as never);
    const [only] = await reader.events(1);
    expect(only?.event).toBe('ai_progress');
    await reader.cancel();
    // An endpoint can narrow further; an admin still only gets what the endpoint serves.
    const admin = await hub.sse(
      sseRequest('/events?topics=secret_admin', { headers: { authorization: 'Bearer admin' } }),
      {
        topics: ['ai_progress'],
      },
    );
    expect(admin.status).toBe(403);
  });

  it('an aborted request never registers a client', async () => {
    const bus = createBus();
    hub = createRealtimeHub({ bus, topics, authorize: async () => ({ topics: ['ai_progress'] }) });
    const controller = new AbortController();
    const pending = hub.sse(sseRequest('/events', { signal: controller.signal }));
    controller.abort();
    expect((await pending).status).toBe(503);
    expect(hub.subscriberCount).toBe(0);
  });
});
