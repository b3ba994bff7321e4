import { describe, expect, it } from 'vitest';
import { bullmqDriver } from '../../src/queue/bullmq/index.js';

describe('bullmqDriver options', () => {
  // BullMQ arms a plain timer per stalled check: past 2^31 - 1 ms it fires after 1 ms.
  for (const name of ['stalledIntervalMs', 'lockDurationMs'] as const) {
    it(`refuses a ${name} beyond the largest timer delay with CONFIG`, () => {
      expect(() =>
        bullmqDriver({ connection: { host: '127.0.0.1', lazyConnect: true }, [name]: 3_000_000_000 }),
      ).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    });
  }

  it('refuses a negative or fractional keepDeadLetters with CONFIG and accepts Infinity', () => {
    const connection = { host: '127.0.0.1', lazyConnect: true };
    for (const keepDeadLetters of [-1, 1.5, Number.NaN]) {
      expect(() => bullmqDriver({ connection, keepDeadLetters })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
    expect(() => bullmqDriver({ connection, keepDeadLetters: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});
