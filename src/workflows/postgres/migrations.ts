/** Versioned schema of the PostgreSQL workflow store; `s` is the quoted schema name. */
export const MIGRATIONS: ReadonlyArray<{ version: number; up: (s: string) => string }> = [
  {
    version: 1,
    up: (s) => `
CREATE TABLE ${s}.wf_runs (
  run_id text PRIMARY KEY,
  workflow text NOT NULL,
  status text NOT NULL,
  input jsonb NOT NULL,
  output jsonb,
  error jsonb,
  parent_run_id text,
  cancel_requested boolean NOT NULL DEFAULT false,
  executions integer NOT NULL DEFAULT 0,
  created_at double precision NOT NULL,
  updated_at double precision NOT NULL,
  wake_at double precision,
  due_at double precision,
  lease_owner text,
  lease_token integer NOT NULL DEFAULT 0,
  lease_until double precision
);
CREATE INDEX wf_runs_due ON ${s}.wf_runs (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE ${s}.wf_steps (
  run_id text NOT NULL REFERENCES ${s}.wf_runs (run_id) ON DELETE CASCADE,
  step_id text NOT NULL,
  seq bigserial,
  state text NOT NULL,
  result jsonb,
  error jsonb,
  attempts integer NOT NULL,
  duration_ms double precision NOT NULL,
  started_at double precision NOT NULL,
  completed_at double precision,
  wake_at double precision,
  event_type text,
  match_path text,
  match_value text,
  child_run_id text,
  PRIMARY KEY (run_id, step_id)
);
CREATE INDEX wf_steps_waiting ON ${s}.wf_steps (event_type) WHERE state = 'waiting' AND event_type IS NOT NULL;
CREATE TABLE ${s}.wf_inbox (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL REFERENCES ${s}.wf_runs (run_id) ON DELETE CASCADE,
  step_id text NOT NULL,
  event text NOT NULL
);
CREATE INDEX wf_inbox_step ON ${s}.wf_inbox (run_id, step_id, id);
`,
  },
];
