import type { Sql } from 'postgres';
import type { ErrorInfo } from '../../bus/system-events.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { isIntegrationError } from '../../errors/integration-error.js';
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
import { MIGRATIONS } from './migrations.js';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** Schema holding the store's tables; created with them on first use. @default 'wawagot_workflows' */
  schema?: string;
}

type AnySql = Sql<any>;
type Row = Record<string, unknown>;

const FINAL = `('completed','failed','cancelled')`;
const RUN_COLUMNS = `run_id, workflow, status, input::text AS input, output::text AS output, error, parent_run_id,
  cancel_requested, executions, created_at, updated_at, wake_at`;
const STEP_COLUMNS = `step_id, state, result::text AS result, error, attempts, duration_ms, started_at, completed_at,
  wake_at, event_type, match_path, match_value, child_run_id`;

const opt = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : (value as T));

function toRun(row: Row): RunRecord {
  const status = row.status as RunStatus;
  return {
    runId: row.run_id as string,
    workflow: row.workflow as string,
    status,
    input: row.input as string,
    output: opt<string>(row.output),
    error: opt<ErrorInfo>(row.error),
    parentRunId: opt<string>(row.parent_run_id),
    cancelRequested: row.cancel_requested as boolean,
    executions: row.executions as number,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    wakeAt: status === 'sleeping' || status === 'waiting' ? ((row.wake_at as number | null) ?? null) : undefined,
  };
}

function toStep(row: Row): StepRecord {
  return {
    stepId: row.step_id as string,
    state: row.state as StepRecord['state'],
    result: opt<string>(row.result),
    error: opt<ErrorInfo>(row.error),
    attempts: row.attempts as number,
    durationMs: row.duration_ms as number,
    startedAt: row.started_at as number,
    completedAt: opt<number>(row.completed_at),
    wakeAt: opt<number>(row.wake_at),
    eventType: opt<string>(row.event_type),
    matchPath: opt<string>(row.match_path),
    matchValue: opt<string>(row.match_value),
    childRunId: opt<string>(row.child_run_id),
  };
}

/**
 * A {@link WorkflowStore} on PostgreSQL through a caller's postgres.js client. Creates its
 * tables in `schema` on first use (versioned migrations under an advisory lock). Runs are
 * claimed with `FOR UPDATE SKIP LOCKED` and owned through a lease column; every write is fenced
 * by the lease token. Times are the runner clock's epoch milliseconds.
 *
 * @example
 * ```ts
 * import postgres from 'postgres';
 * import { postgresStore } from '@wawagot/integrations/workflows/postgres';
 * const store = postgresStore(postgres(process.env.DATABASE_URL!), { schema: 'workflows' });
 * ```
 */
export function postgresStore(sql: AnySql, options: PostgresStoreOptions = {}): WorkflowStore {
  if (typeof sql !== 'function' || typeof sql.unsafe !== 'function')
    configError('postgresStore needs a postgres.js sql instance');
  const schema = options.schema ?? 'wawagot_workflows';
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    configError('postgresStore schema must be a lower-case SQL identifier (letters, digits, _)');
  }
  const s = `"${schema}"`;
  const runs = `${s}.wf_runs`;
  const steps = `${s}.wf_steps`;
  const inbox = `${s}.wf_inbox`;
  let ready: Promise<void> | undefined;

  async function migrate(): Promise<void> {
    await sql.begin(async (tx) => {
      await tx.unsafe('SELECT pg_advisory_xact_lock(hashtext($1))', [`wawagot_workflows:${schema}`]);
      const [exists] = await tx.unsafe('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      if (!exists) await tx.unsafe(`CREATE SCHEMA ${s}`);
      const [table] = await tx.unsafe('SELECT to_regclass($1) AS t', [`${s}.wf_migrations`]);
      if (!table?.t) {
        await tx.unsafe(
          `CREATE TABLE ${s}.wf_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
      }
      const [row] = await tx.unsafe(`SELECT coalesce(max(version), 0)::int AS v FROM ${s}.wf_migrations`);
      const current = (row?.v as number | undefined) ?? 0;
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        await tx.unsafe(migration.up(s));
        await tx.unsafe(`INSERT INTO ${s}.wf_migrations (version) VALUES ($1)`, [migration.version]);
      }
    });
  }

  async function q(text: string, params: unknown[] = []): Promise<Row[]> {
    if (!ready)
      ready = migrate().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    try {
      await ready;
      return (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[];
    } catch (cause) {
      if (isIntegrationError(cause)) throw cause;
      throw new StorageError('workflow store query failed', { cause, retryable: true, details: { schema } });
    }
  }

  const lost = (lease: Lease) => new ConflictError('workflow run lease lost', { details: { runId: lease.runId } });
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

  // RUN_COLUMNS qualified with the alias `r` of `UPDATE ... r FROM ...`, built once per store.
  const claimedColumns = RUN_COLUMNS.replace(/(^|, |\n\s*)(\w+)/g, '$1r.$2');
  const claimSet = `lease_owner = $2, lease_token = r.lease_token + 1, lease_until = $3::float8 + $4::float8,
    due_at = $3::float8 + $4::float8, status = 'running', executions = r.executions + 1, updated_at = $3::float8, wake_at = NULL`;

  async function getRun(runId: string): Promise<RunRecord | null> {
    const [row] = await q(`SELECT ${RUN_COLUMNS} FROM ${runs} WHERE run_id = $1`, [runId]);
    return row ? toRun(row) : null;
  }

  return {
    getRun,
    async createRun(init) {
      const inserted = await q(
        `INSERT INTO ${runs} (run_id, workflow, status, input, parent_run_id, created_at, updated_at, due_at)
         VALUES ($1, $2, 'pending', $3::text::jsonb, $4, $5::float8, $5::float8, $5::float8) ON CONFLICT (run_id) DO NOTHING RETURNING ${RUN_COLUMNS}`,
        [init.runId, init.workflow, init.input, init.parentRunId ?? null, init.now],
      );
      if (inserted[0]) return { run: toRun(inserted[0]), created: true };
      const run = await getRun(init.runId);
      if (!run) throw new StorageError('workflow run vanished during creation', { details: { runId: init.runId } });
      return { run, created: false };
    },
    async getSteps(runId) {
      return (await q(`SELECT ${STEP_COLUMNS} FROM ${steps} WHERE run_id = $1 ORDER BY seq`, [runId])).map(toStep);
    },
    async claim(runId, owner, leaseMs, now) {
      const [row] = await q(
        `UPDATE ${runs} r SET ${claimSet} WHERE r.run_id = $1 AND r.due_at <= $3::float8
           AND (r.lease_until IS NULL OR r.lease_until < $3::float8) AND r.status NOT IN ${FINAL}
         RETURNING ${RUN_COLUMNS}, lease_token`,
        [runId, owner, now, leaseMs],
      );
      return row ? { runId, owner, token: row.lease_token as number, run: toRun(row) } : null;
    },
    async claimDue(owner, leaseMs, now, limit, workflows) {
      const rows = await q(
        `UPDATE ${runs} r SET ${claimSet}
         FROM (SELECT run_id FROM ${runs} WHERE due_at <= $3::float8 AND (lease_until IS NULL OR lease_until < $3::float8)
               AND status NOT IN ${FINAL} AND workflow = ANY($1::text[])
               ORDER BY due_at LIMIT $5::int FOR UPDATE SKIP LOCKED) c
         WHERE r.run_id = c.run_id RETURNING ${claimedColumns}, r.lease_token`,
        [workflows, owner, now, leaseMs, limit],
      );
      return rows.map((row) => ({
        runId: row.run_id as string,
        owner,
        token: row.lease_token as number,
        run: toRun(row),
      }));
    },
    async renew(lease, leaseMs, now) {
      const rows = await q(
        `UPDATE ${runs} SET lease_until = $4::float8, due_at = $4::float8 WHERE run_id = $1 AND lease_token = $2::int AND lease_owner = $3
           AND status NOT IN ${FINAL} RETURNING cancel_requested`,
        [lease.runId, lease.token, lease.owner, now + leaseMs],
      );
      if (rows[0]) return { ok: true, cancelRequested: rows[0].cancel_requested as boolean };
      const [row] = await q(`SELECT cancel_requested FROM ${runs} WHERE run_id = $1`, [lease.runId]);
      return { ok: false, cancelRequested: (row?.cancel_requested as boolean | undefined) ?? false };
    },
    async saveStep(lease, step) {
      const [row] = await q(
        `WITH lease AS (SELECT run_id FROM ${runs} WHERE run_id = $1 AND lease_token = $2::int AND lease_owner = $3 FOR SHARE),
         saved AS (
           INSERT INTO ${steps} (run_id, step_id, state, result, error, attempts, duration_ms, started_at, completed_at,
             wake_at, event_type, match_path, match_value, child_run_id)
           SELECT run_id, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::int, $9::float8, $10::float8, $11::float8, $12::float8,
             $13, $14, $15, $16 FROM lease
           ON CONFLICT (run_id, step_id) DO UPDATE SET state = EXCLUDED.state, result = EXCLUDED.result,
             error = EXCLUDED.error, attempts = EXCLUDED.attempts, duration_ms = EXCLUDED.duration_ms,
             completed_at = EXCLUDED.completed_at, wake_at = EXCLUDED.wake_at
           WHERE ${steps}.state NOT IN ('completed', 'failed')
           RETURNING 1)
         SELECT (SELECT count(*) FROM lease)::int AS leased`,
        [
          lease.runId,
          lease.token,
          lease.owner,
          step.stepId,
          step.state,
          step.result ?? null,
          json(step.error),
          step.attempts,
          step.durationMs,
          step.startedAt,
          step.completedAt ?? null,
          step.wakeAt ?? null,
          step.eventType ?? null,
          step.matchPath ?? null,
          step.matchValue ?? null,
          step.childRunId ?? null,
        ],
      );
      if (!row?.leased) throw lost(lease);
    },
    async suspend(lease, status, wakeAt, now) {
      const rows = await q(
        `UPDATE ${runs} SET status = $4, wake_at = $5::float8,
           due_at = CASE WHEN cancel_requested THEN $6::float8 ELSE $5::float8 END,
           lease_owner = NULL, lease_until = NULL, updated_at = $6::float8
         WHERE run_id = $1 AND lease_token = $2::int AND lease_owner = $3 RETURNING 1`,
        [lease.runId, lease.token, lease.owner, status, wakeAt, now],
      );
      if (!rows[0]) throw lost(lease);
    },
    async finish(lease, end, now) {
      const [row] = await q(
        `WITH done AS (
           UPDATE ${runs} SET status = $4, output = $5::text::jsonb, error = $6::text::jsonb, wake_at = NULL,
             due_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = $7::float8
           WHERE run_id = $1 AND lease_token = $2::int AND lease_owner = $3 RETURNING run_id),
         gone AS (DELETE FROM ${inbox} WHERE run_id IN (SELECT run_id FROM done))
         SELECT count(*)::int AS n FROM done`,
        [lease.runId, lease.token, lease.owner, end.status, end.output ?? null, json(end.error), now],
      );
      if (!row?.n) throw lost(lease);
    },
    async requestCancel(runId, now) {
      const [row] = await q(
        `UPDATE ${runs} SET cancel_requested = true, updated_at = $2::float8, due_at = LEAST(COALESCE(due_at, $2::float8), $2::float8)
         WHERE run_id = $1 AND status NOT IN ${FINAL} RETURNING ${RUN_COLUMNS}`,
        [runId, now],
      );
      return row ? toRun(row) : getRun(runId);
    },
    async wake(runId, now) {
      await q(
        `UPDATE ${runs} SET due_at = LEAST(COALESCE(due_at, $2::float8), $2::float8) WHERE run_id = $1 AND status NOT IN ${FINAL}`,
        [runId, now],
      );
    },
    async waitedTypes() {
      const rows = await q(
        `SELECT DISTINCT event_type FROM ${steps} WHERE state = 'waiting' AND event_type IS NOT NULL`,
      );
      return rows.map((r) => r.event_type as string);
    },
    async waiters(type) {
      const rows = await q(
        `SELECT s.run_id, s.step_id, s.match_path, s.match_value FROM ${steps} s JOIN ${runs} r USING (run_id)
         WHERE s.state = 'waiting' AND s.event_type = $1 AND r.status NOT IN ${FINAL}`,
        [type],
      );
      return rows.map((r) => ({
        runId: r.run_id as string,
        stepId: r.step_id as string,
        matchPath: opt<string>(r.match_path),
        matchValue: opt<string>(r.match_value),
      }));
    },
    async deliver(runId, stepId, event, now) {
      await q(
        `WITH added AS (
           INSERT INTO ${inbox} (run_id, step_id, event)
           SELECT $1, $2, $3 WHERE (SELECT count(*) FROM ${inbox} WHERE run_id = $1 AND step_id = $2) < $5::int
             AND EXISTS (SELECT 1 FROM ${runs} WHERE run_id = $1 AND status NOT IN ${FINAL}) RETURNING 1)
         UPDATE ${runs} SET due_at = LEAST(COALESCE(due_at, $4::float8), $4::float8) WHERE run_id = $1 AND status NOT IN ${FINAL}`,
        [runId, stepId, event, now, INBOX_LIMIT],
      );
    },
    async inbox(runId, stepId) {
      const rows = await q(`SELECT event FROM ${inbox} WHERE run_id = $1 AND step_id = $2 ORDER BY id`, [
        runId,
        stepId,
      ]);
      return rows.map((r) => r.event as string);
    },
  };
}
