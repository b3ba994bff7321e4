/**
 * Storage contracts and in-process drivers: `Table` (rows with typed filters), `KeyValue`
 * (JSON values with TTL), `cacheAside` and `recordEvents`. Database and Redis drivers live in
 * `db/postgres`, `db/supabase`, `db/redis` and `db/file`.
 *
 * @example
 * ```ts
 * import { cacheAside, memoryKV, memoryTable } from '@wawagot/integrations/db';
 * const users = memoryTable<{ id: number; name: string }>({ unique: ['id'] });
 * await users.insert({ id: 1, name: 'Ada' });
 * const cached = cacheAside(memoryKV(), async (id) => (await users.select({ where: { id: Number(id) } }))[0], { ttlMs: 60_000 });
 * ```
 * @module
 */
export { type CacheAside, type CacheAsideOptions, cacheAside } from './cache-aside.js';
export { assertIdentifier, assertTableName } from './identifier.js';
export { type MemoryKVOptions, memoryKV } from './memory-kv.js';
export { type MemoryTableOptions, memoryTable } from './memory-table.js';
export {
  type EventRow,
  type RecordEventsOptions,
  type RecordedEnvelope,
  recordEvents,
  type SubscribableBus,
} from './record-events.js';
export type {
  AnyRow,
  KeyValue,
  MutateOptions,
  OrderBy,
  SelectOptions,
  SetOptions,
  Table,
  TableOptions,
  UpsertOptions,
  Where,
  WhereOperators,
} from './types.js';
