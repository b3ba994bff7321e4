import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.js';
import { createQueue, memoryDriver } from '../../src/queue/index.js';

const CANARY = 'sk_live_CANARY_4242';

describe('queue events and logs carry no secrets', () => {
  it('redacts a credential in a handler error on queue.failed and queue.dead_lettered alike', async () => {
    const bus = createBus();
    const events: string[] = [];
    bus.subscribe('*', (e) => {
      events.push(JSON.stringify(e));
    });
    const lines: string[] = [];
    const log = (obj: object, msg?: string) => lines.push(`${msg} ${JSON.stringify(obj)}`);
    const logger = { debug: log, info: log, warn: log, error: log };
    const queue = createQueue<{ ai_tasks: { prompt: string } }>({ driver: memoryDriver(), bus, logger });
    await queue.process('ai_tasks', () => {
      throw new Error(`upstream refused https://api.example.com/v1/chat?api_key=${CANARY}`);
    });
    await queue.send('ai_tasks', { prompt: 'hi' });
    for (let i = 0; i < 50 && (await queue.counts('ai_tasks')).dead === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(events.some((e) => e.includes('"queue.dead_lettered"'))).toBe(true);
    expect(events.some((e) => e.includes('"queue.failed"'))).toBe(true);
    expect(lines.some((l) => l.includes('dead-lettered'))).toBe(true);
    for (const text of [...events, ...lines]) expect(text).not.toContain(CANARY);
    // The dead letter itself keeps the full error for debugging.
    const [letter] = await queue.deadLetters('ai_tasks');
    expect(letter?.error.message).toContain(CANARY);
    await queue.close();
  });
});
