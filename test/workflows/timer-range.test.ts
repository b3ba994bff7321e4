import { describe, expect, it } from 'vitest';
import { createWorkflowRunner, memoryStore } from '../../src/workflows/index.js';

// Timers longer than 2^31 - 1 ms fire after 1 ms in Node and browsers: an `Infinity` or a
// too-large pollMs/leaseMs would turn into a store-polling or lease-renewal storm.
describe('createWorkflowRunner timer options', () => {
  for (const [name, value] of [
    ['pollMs', Number.POSITIVE_INFINITY],
    ['pollMs', 3_000_000_000],
    ['leaseMs', Number.POSITIVE_INFINITY],
    ['leaseMs', 7_000_000_000],
  ] as const) {
    it(`refuses ${name}: ${value} with CONFIG`, () => {
      expect(() => createWorkflowRunner({ store: memoryStore(), workflows: [], [name]: value })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    });
  }

  it('accepts the largest timer delay', async () => {
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [], pollMs: 2_147_483_647 });
    await runner.close();
  });
});
