import { describe } from 'vitest';
import { memoryDriver } from '../../src/queue/index.js';
import { createTestClock } from '../../src/testing/index.js';
import { queueContract } from './contract.js';

// On a test clock: delays, backoff and idle waits pass without sleeping (the rate limit and
// handler work in the drain test still take real time).
describe('queue contract: memoryDriver', () => {
  const clock = createTestClock();
  queueContract({ makeDriver: (options) => memoryDriver({ clock, ...options }), clock });
});
