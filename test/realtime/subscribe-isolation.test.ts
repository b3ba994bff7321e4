import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { createRealtimeHub } from '../../src/realtime/index.js';

describe('hub.subscribe isolation', () => {
  it('a subscriber whose onMessage throws does not stop delivery to the others', async () => {
    const bus = createBus<{ 'ai.step': { n: number } }>();
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (obj: object) => warnings.push(obj), error() {} };
    const hub = createRealtimeHub({ bus, topics: { ai_progress: ['ai.*'] }, logger });
    hub.subscribe({
      topics: ['ai_progress'],
      onMessage: () => {
        throw new Error('broken consumer');
      },
    });
    const seen: string[] = [];
    hub.subscribe({ topics: ['ai_progress'], onMessage: (message) => seen.push(message.type) });
    const failures: unknown[] = [];
    bus.subscribe('bus.handler_failed', (e) => {
      failures.push(e.data);
    });
    await bus.publish('ai.step', { n: 1 });
    await bus.publish('ai.step', { n: 2 });
    expect(seen).toEqual(['ai.step', 'ai.step']);
    expect(failures).toEqual([]); // the hub's bus handler itself never fails
    expect(warnings).toHaveLength(2);
    hub.close();
  });

  it('a subscriber whose onClose throws does not keep the others from being closed', () => {
    const hub = createRealtimeHub({ bus: createBus() });
    const closed: string[] = [];
    hub.subscribe({
      topics: ['all'],
      onMessage() {},
      onClose: () => {
        throw new Error('broken consumer');
      },
    });
    hub.subscribe({ topics: ['all'], onMessage() {}, onClose: () => closed.push('second') });
    expect(() => hub.close()).not.toThrow();
    expect(closed).toEqual(['second']);
    expect(hub.subscriberCount).toBe(0);
  });

  it('refuses bad subscribe options with CONFIG, without subscribing', () => {
    const hub = createRealtimeHub({ bus: createBus() });
    for (const bad of [
      undefined,
      { topics: 'all', onMessage() {} },
      { topics: ['all'] },
      { topics: ['all'], onMessage() {}, onClose: 'x' },
    ]) {
      expect(() => hub.subscribe(bad as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
    expect(hub.subscriberCount).toBe(0);
    hub.close();
  });
});
