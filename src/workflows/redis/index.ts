/**
 * Redis store of durable workflows, over a caller's ioredis client (optional peer `ioredis`).
 * Node-only.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createWorkflowRunner } from '@wawagot/integrations/workflows';
 * import { redisStore } from '@wawagot/integrations/workflows/redis';
 * const runner = createWorkflowRunner({ store: redisStore(new Redis()), workflows: [] });
 * ```
 * @module
 */
export { type RedisStoreOptions, redisStore } from './redis-store.js';
