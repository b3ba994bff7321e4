// Counts what the bus carries: the progress line and the summary table are read from here.
import type { Envelope } from '@wawagot/integrations/bus';

export interface Metrics {
  requests: number;
  webhooksAccepted: number;
  webhooksRejected: number;
  callsPlaced: number;
  jobsEnqueued: number;
  jobsDone: number;
  jobFailures: number;
  jobsDead: number;
  workflowsStarted: Set<string>;
  workflowsCompleted: Set<string>;
  workflowsFailed: Set<string>;
  httpRetries: number;
  stepRetries: number;
  jobRetries: number;
  breakerOpenings: number;
  breakers: Map<string, string>;
  latencies: number[];
  /** Requests whose dashboard update was published. */
  finished: Set<string>;
}

export function createMetrics(): Metrics {
  return {
    requests: 0,
    webhooksAccepted: 0,
    webhooksRejected: 0,
    callsPlaced: 0,
    jobsEnqueued: 0,
    jobsDone: 0,
    jobFailures: 0,
    jobsDead: 0,
    workflowsStarted: new Set(),
    workflowsCompleted: new Set(),
    workflowsFailed: new Set(),
    httpRetries: 0,
    stepRetries: 0,
    jobRetries: 0,
    breakerOpenings: 0,
    breakers: new Map(),
    latencies: [],
    finished: new Set(),
  };
}

const BREAKER_STATE: Record<string, string> = {
  'breaker.opened': 'open',
  'breaker.half_opened': 'half-open',
  'breaker.closed': 'closed',
};

/** Updates `m` from one bus envelope (subscribe it to `'*'`). */
export function count(m: Metrics, e: Envelope): void {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'webhook.received':
      m.webhooksAccepted++;
      break;
    case 'webhook.rejected':
      m.webhooksRejected++;
      break;
    case 'voice.call_placed':
      m.callsPlaced++;
      break;
    case 'queue.enqueued':
      m.jobsEnqueued++;
      break;
    case 'queue.completed':
      m.jobsDone++;
      break;
    case 'queue.failed':
      m.jobFailures++;
      if (d.retrying) m.jobRetries++;
      break;
    case 'queue.dead_lettered':
      m.jobsDead++;
      break;
    case 'workflow.started':
      m.workflowsStarted.add(d.runId as string);
      break;
    case 'workflow.completed':
      m.workflowsCompleted.add(d.runId as string);
      break;
    case 'workflow.failed':
      m.workflowsFailed.add(d.runId as string);
      break;
    case 'workflow.step_completed':
      m.stepRetries += Math.max(0, Number(d.attempts) - 1);
      break;
    case 'http.retry':
      m.httpRetries++;
      break;
    case 'dashboard.update':
      if (!m.finished.has(d.requestId as string)) {
        m.finished.add(d.requestId as string);
        m.latencies.push(Number(d.latencyMs));
      }
      break;
    default: {
      const state = BREAKER_STATE[e.type];
      if (state) {
        m.breakers.set(d.name as string, state);
        if (state === 'open') m.breakerOpenings++;
      }
    }
  }
}

/** The `p`-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

const retries = (m: Metrics) => m.httpRetries + m.stepRetries + m.jobRetries;
/** Workflows started and not yet completed or failed. */
export const unfinished = (m: Metrics) => m.workflowsStarted.size - m.workflowsCompleted.size - m.workflowsFailed.size;

function breakerText(m: Metrics): string {
  const open = [...m.breakers].filter(([, s]) => s !== 'closed');
  return open.length ? open.map(([n, s]) => `${n} ${s}`).join(', ') : 'closed';
}

/** One line: what a person watching the demo wants to see (fits 100 columns). */
export function progressLine(m: Metrics): string {
  const failed = m.workflowsFailed.size ? ` ${m.workflowsFailed.size} failed` : '';
  return (
    `requests ${m.finished.size}/${m.requests} · calls ${m.webhooksAccepted} · jobs ${m.jobsDone} · ` +
    `workflows ${m.workflowsCompleted.size} done ${unfinished(m)} running${failed} · retries ${retries(m)} · ` +
    `breakers ${breakerText(m)}`
  );
}

/** The outcome of a `--once` run. */
export interface Summary {
  mode: string;
  calls: number;
  lost: number;
  unfinished: number;
  rows: Array<[string, string]>;
}

export function summarize(
  m: Metrics,
  run: { mode: string; calls: number; stored: number; dead: number; latencies: readonly number[] },
): Summary {
  const { mode, calls, stored, dead, latencies } = run;
  const lost = Math.max(0, calls - stored) + dead;
  const rows: Array<[string, string]> = [
    ['mode', mode],
    ['customer requests', String(calls)],
    ['webhooks accepted / rejected', `${m.webhooksAccepted} / ${m.webhooksRejected}`],
    ['jobs enqueued / done / dead', `${m.jobsEnqueued} / ${m.jobsDone} / ${dead}`],
    ['workflows completed / failed', `${m.workflowsCompleted.size} / ${m.workflowsFailed.size}`],
    ['unfinished workflows', String(unfinished(m))],
    ['results stored (summary rows)', `${stored} / ${calls}`],
    ['lost', String(lost)],
    ['retries (http / step / job)', `${retries(m)} (${m.httpRetries} / ${m.stepRetries} / ${m.jobRetries})`],
    ['breaker openings', String(m.breakerOpenings)],
    ['end-to-end latency p50 / p95', `${percentile(latencies, 50)} ms / ${percentile(latencies, 95)} ms`],
  ];
  return { mode, calls, lost, unfinished: unfinished(m), rows };
}

/** A Markdown table: readable in a terminal and pasteable into a PR. */
export function summaryTable(s: Summary): string {
  const width = Math.max(...s.rows.map(([k]) => k.length));
  const valueWidth = Math.max(...s.rows.map(([, v]) => v.length));
  const line = (k: string, v: string) => `| ${k.padEnd(width)} | ${v.padEnd(valueWidth)} |`;
  return [
    line('metric', 'value'),
    `|${'-'.repeat(width + 2)}|${'-'.repeat(valueWidth + 2)}|`,
    ...s.rows.map(([k, v]) => line(k, v)),
  ].join('\n');
}
