import { memoryStore } from '../../src/workflows/index.js';
import { storeContract } from './store-contract.js';

storeContract('memoryStore', async () => ({ store: memoryStore(), cleanup: async () => {} }));
