import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ErrorInfo } from '../../bus/system-events.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { StorageError } from '../../errors/storage-error.js';
import { configError } from '../../internal/config.js';
import {
  INBOX_LIMIT,
  type Lease,
  type RunRecord,
  type RunStatus,
  type StepRecord,
  type WorkflowStore,
} from '../store.js';
import * as scripts from './scripts.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key. Use a hash tag (`'{wf}'`) to keep all keys in one Redis Cluster slot. @default 'wawagot:wf' */
  prefix?: string;
}

type Script = { text: string; sha: string };
const prepare = (text: string): Script => ({ text, sha: createHash('sha1').update(text).digest('hex') });
const S = Object.fromEntries(Object.entries(scripts).map(([k, v]) => [k, prepare(v)])) as Record<
  keyof typeof scripts,
  Script
>;

function pairs(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = flat as string[];
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
}

function toRun(h: Record<string, string>): RunRecord {
  const status = h.status as RunStatus;
  const wake = h.wakeAt;
  return {
    runId: h.runId as string,
    workflow: h.workflow as string,
    status,
    input: h.input as string,
    output: h.output ? h.output : undefined,
    error: h.error ? (JSON.parse(h.error) as ErrorInfo) : undefined,
    parentRunId: h.parent ? h.parent : undefined,
    cancelRequested: h.cancel === '1',
    executions: Number(h.executions ?? 0),
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
    wakeAt: status === 'sleeping' || status === 'waiting' ? (wake && wake !== 'null' ? Number(wake) : null) : undefined,
  };
}

/**
 * A {@link WorkflowStore} on Redis through a caller's ioredis client. A run is owned through a
 * lease key set with `SET NX PX` whose value is a per-run fencing token; every write checks the
 * token in a Lua script. Lease keys expire on the Redis server's clock; wake-up times use the
 * runner clock. Keys live under `prefix` (single instance, or one Cluster slot via a hash tag).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { redisStore } from '@wawagot/integrations/workflows/redis';
 * const store = redisStore(new Redis(process.env.REDIS_URL!), { prefix: 'myapp:wf' });
 * ```
 */
export function redisStore(redis: Redis, options: RedisStoreOptions = {}): WorkflowStore {
  if (!redis || typeof redis.evalsha !== 'function') configError('redisStore needs an ioredis client');
  const prefix = options.prefix ?? 'wawagot:wf';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 100 || /\s/.test(prefix)) {
    configError('redisStore prefix must be 1-100 characters without spaces');
  }
  const k = {
    run: (id: string) => `${prefix}:run:${id}`,
    lease: (id: string) => `${prefix}:lease:${id}`,
    steps: (id: string) => `${prefix}:steps:${id}`,
    order: (id: string) => `${prefix}:order:${id}`,
    // The run id's length keeps `run:a` + `b` apart from `run` + `a:b`.
    inbox: (id: string, step: string) => `${prefix}:inbox:${id.length}:${id}:${step}`,
    inboxes: (id: string) => `${prefix}:inboxes:${id}`,
    waiters: (type: string) => `${prefix}:waiters:${type}`,
    types: `${prefix}:types`,
    due: `${prefix}:due`,
  };

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new StorageError('workflow store command failed', { cause, retryable: true, details: { prefix } });
    }
  }
  function run(script: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
    return call(async () => {
      try {
        return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
        return await redis.eval(script.text, keys.length, ...keys, ...args);
      }
    });
  }
  const lost = (lease: Lease) => new ConflictError('workflow run lease lost', { details: { runId: lease.runId } });
  const toLease =
    (owner: string) =>
    (got: unknown): Lease => {
      const [token, flat] = got as [number, string[]];
      const record = toRun(pairs(flat));
      return { runId: record.runId, owner, token: Number(token), run: record };
    };

  return {
    async createRun(init) {
      const [created, flat] = (await run(
        S.CREATE,
        [k.run(init.runId), k.due],
        [init.runId, init.workflow, init.input, init.parentRunId ?? '', init.now],
      )) as [number, string[]];
      return { run: toRun(pairs(flat)), created: created === 1 };
    },
    async getRun(runId) {
      const h = await call(() => redis.hgetall(k.run(runId)));
      return h.runId ? toRun(h) : null;
    },
    async getSteps(runId) {
      const ids = await call(() => redis.lrange(k.order(runId), 0, -1));
      if (ids.length === 0) return [];
      const values = await call(() => redis.hmget(k.steps(runId), ...ids));
      return values.filter((v): v is string => typeof v === 'string').map((v) => JSON.parse(v) as StepRecord);
    },
    async claim(runId, owner, leaseMs, now) {
      const got = await run(S.CLAIM, [k.run(runId), k.lease(runId), k.due], [runId, owner, now, Math.ceil(leaseMs)]);
      return got ? toLease(owner)(got) : null;
    },
    async claimDue(owner, leaseMs, now, limit, workflows) {
      if (workflows.length === 0) return [];
      const got = (await run(
        S.CLAIM_DUE,
        [k.due],
        [prefix, owner, now, Math.ceil(leaseMs), limit, ...workflows],
      )) as unknown[];
      return got.map(toLease(owner));
    },
    async renew(lease, leaseMs, now) {
      const [ok, cancel] = (await run(
        S.RENEW,
        [k.lease(lease.runId), k.run(lease.runId), k.due],
        [lease.token, Math.ceil(leaseMs), now, lease.runId],
      )) as [number, string];
      return { ok: ok === 1, cancelRequested: cancel === '1' };
    },
    async saveStep(lease, step) {
      const type = step.eventType ?? '';
      const member = `${lease.runId}\n${step.stepId}`;
      const waiter = JSON.stringify({
        runId: lease.runId,
        stepId: step.stepId,
        matchPath: step.matchPath,
        matchValue: step.matchValue,
      });
      const result = await run(
        S.SAVE_STEP,
        [k.lease(lease.runId), k.steps(lease.runId), k.order(lease.runId), k.waiters(type), k.types],
        [lease.token, step.stepId, JSON.stringify(step), step.state, type, member, waiter],
      );
      if (result === -1) throw lost(lease);
    },
    async suspend(lease, status, wakeAt, now) {
      const ok = await run(
        S.SUSPEND,
        [k.lease(lease.runId), k.run(lease.runId), k.due],
        [lease.token, status, wakeAt === null ? '' : wakeAt, now, lease.runId],
      );
      if (ok !== 1) throw lost(lease);
    },
    async finish(lease, end, now) {
      const ok = await run(
        S.FINISH,
        [k.lease(lease.runId), k.run(lease.runId), k.due, k.inboxes(lease.runId), k.steps(lease.runId), k.types],
        [
          lease.token,
          end.status,
          end.output ?? '',
          end.error ? JSON.stringify(end.error) : '',
          now,
          lease.runId,
          prefix,
        ],
      );
      if (ok !== 1) throw lost(lease);
    },
    async requestCancel(runId, now) {
      const flat = await run(S.CANCEL, [k.run(runId), k.due], [now, runId]);
      return flat ? toRun(pairs(flat)) : null;
    },
    async wake(runId, now) {
      await run(S.WAKE, [k.run(runId), k.due], [now, runId]);
    },
    async waitedTypes() {
      return call(() => redis.smembers(k.types));
    },
    async waiters(type) {
      const all = await call(() => redis.hgetall(k.waiters(type)));
      return Object.values(all).map(
        (v) => JSON.parse(v) as { runId: string; stepId: string; matchPath?: string; matchValue?: string },
      );
    },
    async deliver(runId, stepId, event, now) {
      await run(
        S.DELIVER,
        [k.run(runId), k.inbox(runId, stepId), k.due, k.inboxes(runId)],
        [event, now, runId, INBOX_LIMIT],
      );
    },
    async inbox(runId, stepId) {
      return call(() => redis.lrange(k.inbox(runId, stepId), 0, -1));
    },
  };
}
