import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
  type UpDownCounter,
} from '@opentelemetry/api';
import type { Envelope, SystemEvents } from '../bus/index.js';
import type { ErrorInfo } from '../bus/system-events.js';
import { configError } from '../internal/config.js';

/** The part of a bus `instrument` needs: any bus made by `createBus` fits. */
export interface InstrumentedBus {
  /** Registers a handler for every event; returns the unsubscribe function. */
  subscribe(type: '*', handler: (envelope: any) => void): () => void;
}

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** @default trace.getTracer('@wawagot/integrations') */
  tracer?: Tracer;
  /** @default metrics.getMeter('@wawagot/integrations') */
  meter?: Meter;
}

type SystemEnvelope = { [K in keyof SystemEvents]: Envelope<K, SystemEvents[K]> }[keyof SystemEvents];

const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Maps the library's {@link SystemEvents} to OpenTelemetry: spans for HTTP calls, queue jobs,
 * workflow steps and runs (with their errors), and metrics for request durations, retries,
 * breaker state and queue depth. Returns a function that stops the instrumentation.
 *
 * Spans are reconstructed from completion events (`durationMs`), so they carry correct start
 * and end times without the library holding any span open.
 *
 * @example
 * ```ts
 * import { instrument } from '@wawagot/integrations/otel';
 * const stop = instrument(bus); // uses the global tracer and meter providers
 * ```
 */
export function instrument(bus: InstrumentedBus, options: InstrumentOptions = {}): () => void {
  if (typeof bus?.subscribe !== 'function') configError('instrument needs a bus from createBus');
  const tracer = options?.tracer ?? trace.getTracer('@wawagot/integrations');
  const meter = options?.meter ?? metrics.getMeter('@wawagot/integrations');
  // Checked now: a bad one would otherwise fail inside every bus handler call.
  if (typeof tracer?.startSpan !== 'function') configError('instrument: tracer must be an OpenTelemetry Tracer');
  if (typeof meter?.createHistogram !== 'function') configError('instrument: meter must be an OpenTelemetry Meter');

  const httpDuration: Histogram = meter.createHistogram('http.client.request.duration', {
    unit: 'ms',
    description: 'Duration of HTTP requests made by REST and GraphQL clients',
  });
  const retries: Counter = meter.createCounter('wawagot.retries', {
    description: 'Retries scheduled by retry policies',
  });
  const breakerState: UpDownCounter = meter.createUpDownCounter('wawagot.breaker.state', {
    description: 'Circuit breaker state per breaker: 0 closed, 1 half-open, 2 open',
  });
  const breakerTransitions: Counter = meter.createCounter('wawagot.breaker.transitions');
  const queueDepth: UpDownCounter = meter.createUpDownCounter('wawagot.queue.depth', {
    description: 'Jobs enqueued and not yet completed or dead-lettered',
  });
  const queueJobs: Counter = meter.createCounter('wawagot.queue.jobs');
  const jobDuration: Histogram = meter.createHistogram('wawagot.queue.job.duration', { unit: 'ms' });
  const workflowRuns: Counter = meter.createCounter('wawagot.workflow.runs');
  const stepDuration: Histogram = meter.createHistogram('wawagot.workflow.step.duration', { unit: 'ms' });

  const breakers = new Map<string, number>();
  const setBreaker = (name: string, state: keyof typeof BREAKER_STATE) => {
    const next = BREAKER_STATE[state];
    const previous = breakers.get(name) ?? 0;
    breakers.set(name, next);
    if (next !== previous) breakerState.add(next - previous, { 'breaker.name': name });
    breakerTransitions.add(1, { 'breaker.name': name, 'breaker.state': state });
  };

  /** Records a finished operation as a span that started `durationMs` before the event. */
  const span = (
    name: string,
    env: Envelope,
    durationMs: number,
    attributes: Attributes,
    error?: ErrorInfo,
    kind = SpanKind.INTERNAL,
  ) => {
    const end = Date.parse(env.time);
    const s = tracer.startSpan(name, { kind, attributes, startTime: new Date(end - Math.max(0, durationMs)) });
    if (error) {
      s.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      s.recordException({ name: error.name, message: error.message, ...(error.code ? { code: error.code } : {}) });
    }
    s.end(new Date(end));
  };

  const handle = (env: SystemEnvelope): void => {
    switch (env.type) {
      case 'http.response': {
        const d = env.data;
        const attributes = {
          'http.request.method': d.method,
          'http.response.status_code': d.status,
          'url.full': d.url,
          'wawagot.client': d.client,
          'wawagot.attempt': d.attempt,
        };
        httpDuration.record(d.durationMs, {
          'http.request.method': d.method,
          'http.response.status_code': d.status,
          'wawagot.client': d.client,
        });
        span(
          `${d.method}`,
          env,
          d.durationMs,
          attributes,
          d.status >= 400 ? { name: 'HttpError', message: `HTTP ${d.status}`, code: 'HTTP_ERROR' } : undefined,
          SpanKind.CLIENT,
        );
        return;
      }
      case 'http.retry':
        retries.add(1, { 'wawagot.policy': env.data.name, 'error.type': env.data.error.code ?? env.data.error.name });
        return;
      case 'breaker.opened':
        setBreaker(env.data.name, 'open');
        return;
      case 'breaker.half_opened':
        setBreaker(env.data.name, 'half-open');
        return;
      case 'breaker.closed':
        setBreaker(env.data.name, 'closed');
        return;
      case 'queue.enqueued':
        queueDepth.add(1, { 'messaging.destination.name': env.data.queue });
        return;
      case 'queue.completed': {
        const d = env.data;
        const attrs = { 'messaging.destination.name': d.queue };
        queueDepth.add(-1, attrs);
        queueJobs.add(1, { ...attrs, outcome: 'completed' });
        jobDuration.record(d.durationMs, attrs);
        span(
          `process ${d.queue}`,
          env,
          d.durationMs,
          { ...attrs, 'messaging.message.id': d.jobId, 'wawagot.attempt': d.attempt },
          undefined,
          SpanKind.CONSUMER,
        );
        return;
      }
      case 'queue.failed': {
        const d = env.data;
        queueJobs.add(1, { 'messaging.destination.name': d.queue, outcome: d.retrying ? 'retrying' : 'failed' });
        span(
          `process ${d.queue}`,
          env,
          0,
          { 'messaging.destination.name': d.queue, 'messaging.message.id': d.jobId, 'wawagot.attempt': d.attempt },
          d.error,
          SpanKind.CONSUMER,
        );
        return;
      }
      case 'queue.dead_lettered': {
        const d = env.data;
        queueDepth.add(-1, { 'messaging.destination.name': d.queue });
        queueJobs.add(1, { 'messaging.destination.name': d.queue, outcome: 'dead_lettered' });
        return;
      }
      case 'workflow.step_completed': {
        const d = env.data;
        stepDuration.record(d.durationMs, { 'wawagot.workflow': d.workflow });
        span(`step ${d.stepId}`, env, d.durationMs, {
          'wawagot.workflow': d.workflow,
          'wawagot.run_id': d.runId,
          'wawagot.step': d.stepId,
          'wawagot.attempts': d.attempts,
        });
        return;
      }
      case 'workflow.completed': {
        const d = env.data;
        workflowRuns.add(1, { 'wawagot.workflow': d.workflow, outcome: 'completed' });
        span(`workflow ${d.workflow}`, env, d.durationMs, {
          'wawagot.workflow': d.workflow,
          'wawagot.run_id': d.runId,
        });
        return;
      }
      case 'workflow.failed': {
        const d = env.data;
        workflowRuns.add(1, { 'wawagot.workflow': d.workflow, outcome: d.cancelled ? 'cancelled' : 'failed' });
        span(`workflow ${d.workflow}`, env, 0, { 'wawagot.workflow': d.workflow, 'wawagot.run_id': d.runId }, d.error);
        return;
      }
      default:
        return;
    }
  };
  return bus.subscribe('*', handle as never);
}
