import { describe, expect, it, vi } from 'vitest';
import { consumerSet } from '../../src/bus/consumer-set.js';
import type { Logger } from '../../src/types.js';

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }) satisfies Logger;

describe('consumerSet', () => {
  it('a consumer that fails to stop is logged without its secret, and its stop never rejects', async () => {
    const log = logger();
    const set = consumerSet(log, 'events');
    const failing = vi.fn(() => Promise.reject(new Error('XGROUP failed for redis://:CANARY-pw-123456@127.0.0.1')));
    const stop = set.add({ started: Promise.resolve(), stop: failing }, 'mailer');
    await expect(stop()).resolves.toBeUndefined();
    await expect(stop()).resolves.toBeUndefined(); // idempotent: the loop is asked once
    expect(failing).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledTimes(1);
    const [fields, message] = log.error.mock.calls[0] as [Record<string, unknown>, string];
    expect(message).toBe('bus consumer failed to stop');
    expect(fields).toMatchObject({ stream: 'events', group: 'mailer' });
    expect(JSON.stringify(fields)).not.toContain('CANARY-pw-123456');
    // Stopped (even unsuccessfully): stopAll does not ask again.
    await expect(set.stopAll()).resolves.toEqual([]);
    expect(failing).toHaveBeenCalledTimes(1);
  });

  it('stopAll stops every running consumer once and settles when they have', async () => {
    const set = consumerSet(undefined, 'events');
    const order: string[] = [];
    const loop = (name: string) => ({
      started: Promise.resolve(),
      stop: async () => void order.push(name),
    });
    const stopA = set.add(loop('a'));
    set.add(loop('b'), 'g');
    await stopA();
    await set.stopAll();
    await set.stopAll();
    expect(order).toEqual(['a', 'b']);
  });

  it('ready() waits for setups and logs one that failed instead of throwing', async () => {
    const log = logger();
    const set = consumerSet(log, 'events');
    set.add({ started: Promise.reject(new Error('NOGROUP')), stop: async () => {} }, 'g');
    await expect(set.ready()).resolves.toBeUndefined();
    expect(log.error).toHaveBeenCalledWith(
      expect.objectContaining({ stream: 'events', group: 'g' }),
      'bus consumer failed to start',
    );
  });
});
