import { memoryStore } from '../../src/workflows/index.js';
import { runnerContract } from './runner-contract.js';

runnerContract('memoryStore', async () => ({ store: memoryStore(), cleanup: async () => {} }));
