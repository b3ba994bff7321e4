import { describe } from 'vitest';
import { memoryDriver } from '../../src/queue/index.js';
import { queueContract } from './contract.js';

describe('queue contract: memoryDriver', () => {
  queueContract({ makeDriver: () => memoryDriver() });
});
