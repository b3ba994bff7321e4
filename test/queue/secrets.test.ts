import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.js';
import { TimeoutError } from '../../src/errors/timeout-error.js';
import { deadLetterError } from '../../src/queue/dead-letter-error.js';
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
    // The dead letter keeps the error for debugging, with the secret masked in message and stack.
    const [letter] = await queue.deadLetters('ai_tasks');
    expect(letter?.error.message).toBe('upstream refused https://api.example.com/v1/chat?api_key=REDACTED');
    expect(letter?.error.stack).toContain('api_key=REDACTED');
    expect(letter?.error.stack).toContain('secrets.test.ts');
    expect(JSON.stringify(letter)).not.toContain(CANARY);
    await queue.close();
  });

  it('stores dead-letter errors of every shape without their secrets', () => {
    const long = new Error(`Authorization: Bearer ${CANARY} ${'x'.repeat(2000)}`);
    expect(deadLetterError(long).message).toHaveLength(long.message.length - CANARY.length + 'REDACTED'.length);
    expect(deadLetterError(long).message).not.toContain(CANARY);
    expect(deadLetterError(`password=${CANARY}`)).toEqual({ name: 'NonError', message: 'password=REDACTED' });
    const own = new TimeoutError('no answer within 5000 ms');
    expect(deadLetterError(own)).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT', message: own.message });
  });
});
