// Where the demo keeps its state. Embedded by default (memory queue, store, tables and KV; files
// in a temp folder); REDIS_URL moves the queues (BullMQ), the bus transport, the KV and the
// workflow store to Redis; DATABASE_URL moves the tables and the workflow store to PostgreSQL.
// Both URLs are checked before anything starts: a bad one fails fast with one clear line.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusTransport } from '@wawagot/integrations/bus';
import { redisTransport } from '@wawagot/integrations/bus/redis';
import { type KeyValue, memoryKV, memoryTable, type Table } from '@wawagot/integrations/db';
import { postgresTable } from '@wawagot/integrations/db/postgres';
import { redisKV } from '@wawagot/integrations/db/redis';
import type { FileStorage } from '@wawagot/integrations/files';
import { localStorage } from '@wawagot/integrations/files/node';
import { memoryDriver, type QueueDriver } from '@wawagot/integrations/queue';
import { bullmqDriver } from '@wawagot/integrations/queue/bullmq';
import { memoryStore, type WorkflowStore } from '@wawagot/integrations/workflows';
import { postgresStore } from '@wawagot/integrations/workflows/postgres';
import { redisStore } from '@wawagot/integrations/workflows/redis';
import { Redis } from 'ioredis';
import postgres from 'postgres';

/** A configuration problem the demo reports in one line (exit code 2). */
export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

/** One processed request: the AI answer and the automation run it started. */
export type ResultRow = { request_id: string; answer: string; automation_run: string; created_at: number };
/** One finished request: the call, its summary and the end-to-end latency. */
export type SummaryRow = {
  request_id: string;
  call_id: string;
  summary: string;
  transcript_path: string;
  latency_ms: number;
  completed_at: number;
};

export interface Backends {
  /** `embedded`, `redis`, `postgres` or `postgres+redis`. */
  mode: string;
  /** One line per backend, for the banner (no credentials). */
  describe: string;
  queueDriver: QueueDriver;
  transport: BusTransport | undefined;
  kv: KeyValue;
  store: WorkflowStore;
  results: Table<ResultRow>;
  summaries: Table<SummaryRow>;
  files: FileStorage;
  filesRoot: string;
  /** Closes connections; with `cleanup`, deletes what this run created (keys, schemas, files). */
  close(options: { cleanup: boolean }): Promise<void>;
}

export interface BackendOptions {
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  /** Unique name of this run's keys and schemas. */
  prefix: string;
}

/** `scheme://host:port/path` without user, password or query: safe to print. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '<unparseable URL>';
  }
}

/** Removes every secret part of `raw` from `message`. */
function scrub(message: string, raw: string): string {
  let out = message;
  try {
    const url = new URL(raw);
    for (const secret of [url.password, decodeURIComponent(url.password), url.search.slice(1)]) {
      if (secret && secret.length >= 3) out = out.split(secret).join('REDACTED');
    }
  } catch {
    /* nothing to scrub */
  }
  return out.split(raw).join(safeUrl(raw));
}

function reason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(error);
  return code && !message?.includes(code) ? `${code} ${message}` : (message ?? 'unknown error');
}

function parseUrl(name: string, raw: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DemoConfigError(`${name} is not a URL (expected ${protocols[0]}//host:port)`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new DemoConfigError(`${name} must start with ${protocols.join(' or ')}// (got ${url.protocol}//)`);
  }
  return url;
}

async function connectRedis(raw: string): Promise<Redis> {
  parseUrl('REDIS_URL', raw, ['redis:', 'rediss:']);
  // A probe that gives up at once: ioredis would otherwise retry for ever.
  const probe = new Redis(raw, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  let first: unknown; // the socket's own error (ECONNREFUSED...) says more than "Connection is closed"
  probe.on('error', (error) => {
    first ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new DemoConfigError(`cannot reach Redis at ${safeUrl(raw)}: ${scrub(reason(first ?? error), raw)}`);
  } finally {
    probe.disconnect();
  }
  return new Redis(raw, { maxRetriesPerRequest: null });
}

async function connectPostgres(raw: string): Promise<postgres.Sql> {
  parseUrl('DATABASE_URL', raw, ['postgres:', 'postgresql:']);
  let sql: postgres.Sql;
  try {
    sql = postgres(raw, { max: 10, connect_timeout: 5, idle_timeout: 5, onnotice: () => {} });
  } catch (error) {
    throw new DemoConfigError(`DATABASE_URL is invalid: ${scrub(reason(error), raw)}`);
  }
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new DemoConfigError(`cannot connect to PostgreSQL at ${safeUrl(raw)}: ${scrub(reason(error), raw)}`);
  }
  return sql;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Opens the backends the environment asks for; throws {@link DemoConfigError} on bad config. */
export async function openBackends(options: BackendOptions): Promise<Backends> {
  const { prefix } = options;
  // Check both before opening either, so a bad second URL leaves nothing behind.
  const redis = options.redisUrl ? await connectRedis(options.redisUrl) : undefined;
  let sql: postgres.Sql | undefined;
  try {
    sql = options.databaseUrl ? await connectPostgres(options.databaseUrl) : undefined;
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
  redis?.on('error', () => {}); // ioredis reconnects by itself; commands report their own errors
  const queueRedis = redis?.duplicate();
  queueRedis?.on('error', () => {});

  const filesRoot = mkdtempSync(join(tmpdir(), 'wawagot-demo-'));
  const files = localStorage({ root: filesRoot });
  const schema = prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const described: string[] = [];

  let results: Table<ResultRow>;
  let summaries: Table<SummaryRow>;
  let store: WorkflowStore;
  if (sql) {
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS "${schema}".results (
      request_id text PRIMARY KEY, answer text NOT NULL, automation_run text NOT NULL, created_at double precision NOT NULL)`);
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS "${schema}".summaries (
      request_id text PRIMARY KEY, call_id text NOT NULL, summary text NOT NULL, transcript_path text NOT NULL,
      latency_ms integer NOT NULL, completed_at double precision NOT NULL)`);
    results = postgresTable<ResultRow>(sql, `${schema}.results`);
    summaries = postgresTable<SummaryRow>(sql, `${schema}.summaries`);
    store = postgresStore(sql, { schema: `${schema}_wf` });
    described.push(`tables + workflow store: PostgreSQL ${safeUrl(options.databaseUrl as string)} (schema ${schema})`);
  } else {
    results = memoryTable<ResultRow>({ unique: ['request_id'] });
    summaries = memoryTable<SummaryRow>({ unique: ['request_id'] });
    store = redis ? redisStore(redis, { prefix: `${prefix}:wf` }) : memoryStore();
    described.push(redis ? 'tables: memory, workflow store: Redis' : 'tables + workflow store: memory');
  }
  if (redis && queueRedis) {
    described.push(
      `queues (BullMQ), bus transport, KV: Redis ${safeUrl(options.redisUrl as string)} (prefix ${prefix})`,
    );
  } else described.push('queues, bus, KV: memory');
  described.push(`files: ${filesRoot}`);

  return {
    mode: sql && redis ? 'postgres+redis' : sql ? 'postgres' : redis ? 'redis' : 'embedded',
    describe: described.join('; '),
    queueDriver: queueRedis ? bullmqDriver({ connection: queueRedis, prefix: `${prefix}:bull` }) : memoryDriver(),
    transport: redis
      ? redisTransport(redis, { stream: `${prefix}:events`, consumer: 'demo', blockMs: 500 })
      : undefined,
    kv: redis ? redisKV(redis, { prefix: `${prefix}:kv:` }) : memoryKV(),
    store,
    results,
    summaries,
    files,
    filesRoot,
    async close({ cleanup }) {
      if (cleanup) rmSync(filesRoot, { recursive: true, force: true });
      if (redis) {
        if (cleanup) await deleteKeys(redis, `${prefix}:*`).catch(() => {});
        queueRedis?.disconnect();
        redis.disconnect();
      }
      if (sql) {
        if (cleanup) {
          await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
          await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}_wf" CASCADE`).catch(() => {});
        }
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** A fresh, unique prefix for one run's keys and schemas. */
export function runPrefix(): string {
  return `wawagot_demo_${randomBytes(4).toString('hex')}`;
}
