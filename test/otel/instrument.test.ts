import { SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { instrument } from '../../src/otel/index.js';

class TestReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const bus = createBus();
  const stop = instrument(bus, { tracer: tracerProvider.getTracer('test'), meter: meterProvider.getMeter('test') });
  const metric = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const m of scope.metrics) if (m.descriptor.name === name) return m.dataPoints;
    }
    return [];
  };
  return { bus, exporter, metric, stop };
}

describe('instrument', () => {
  it('turns HTTP responses into client spans with the right timing and a duration histogram', async () => {
    const { bus, exporter, metric } = setup();
    const env = await bus.publish(
      'http.response',
      { client: 'openai', method: 'POST', url: 'https://api.test/v1/chat', status: 200, durationMs: 120, attempt: 1 },
      { time: '2030-01-01T00:00:01.000Z' },
    );
    await bus.publish('http.response', {
      client: 'openai',
      method: 'GET',
      url: 'https://api.test/v1/models',
      status: 503,
      durationMs: 5,
      attempt: 2,
    });
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok?.name).toBe('POST');
    expect(ok?.attributes).toMatchObject({ 'http.response.status_code': 200, 'wawagot.client': 'openai' });
    const startMs = (ok?.startTime[0] ?? 0) * 1000 + (ok?.startTime[1] ?? 0) / 1e6;
    const endMs = (ok?.endTime[0] ?? 0) * 1000 + (ok?.endTime[1] ?? 0) / 1e6;
    expect(endMs).toBe(Date.parse(env.time));
    expect(endMs - startMs).toBe(120);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    const points = await metric('http.client.request.duration');
    expect(points).toHaveLength(2);
  });

  it('counts retries and tracks breaker state per breaker', async () => {
    const { bus, metric } = setup();
    bus.emit('http.retry', {
      name: 'llm',
      attempt: 1,
      delayMs: 100,
      error: { name: 'HttpError', message: 'HTTP 503', code: 'HTTP_ERROR' },
    });
    bus.emit('http.retry', {
      name: 'llm',
      attempt: 2,
      delayMs: 200,
      error: { name: 'HttpError', message: 'HTTP 503', code: 'HTTP_ERROR' },
    });
    bus.emit('breaker.opened', { name: 'llm', retryAfterMs: 1000 });
    bus.emit('breaker.opened', { name: 'kb', retryAfterMs: 1000 });
    bus.emit('breaker.half_opened', { name: 'kb' });
    bus.emit('breaker.closed', { name: 'kb' });
    const retries = await metric('wawagot.retries');
    expect(retries.reduce((n, p) => n + (p.value as number), 0)).toBe(2);
    const state = await metric('wawagot.breaker.state');
    const byName = Object.fromEntries(state.map((p) => [p.attributes['breaker.name'], p.value]));
    expect(byName).toEqual({ llm: 2, kb: 0 });
  });

  it('records queue jobs, depth, and workflow steps and runs with their errors', async () => {
    const { bus, exporter, metric } = setup();
    bus.emit('queue.enqueued', { queue: 'ai_tasks', jobId: '1' });
    bus.emit('queue.enqueued', { queue: 'ai_tasks', jobId: '2' });
    bus.emit('queue.enqueued', { queue: 'ai_tasks', jobId: '3' });
    bus.emit('queue.completed', { queue: 'ai_tasks', jobId: '1', attempt: 1, durationMs: 30 });
    bus.emit('queue.failed', {
      queue: 'ai_tasks',
      jobId: '2',
      attempt: 3,
      retrying: false,
      error: { name: 'Error', message: 'poison' },
    });
    bus.emit('queue.dead_lettered', {
      queue: 'ai_tasks',
      jobId: '2',
      attempts: 3,
      error: { name: 'Error', message: 'poison' },
    });
    bus.emit('workflow.step_completed', {
      workflow: 'ai_automation',
      runId: 'r1',
      stepId: 'ask-llm',
      attempts: 1,
      durationMs: 12,
    });
    bus.emit('workflow.completed', { workflow: 'ai_automation', runId: 'r1', durationMs: 40 });
    bus.emit('workflow.failed', {
      workflow: 'ai_automation',
      runId: 'r2',
      error: { name: 'WorkflowError', message: 'step failed', code: 'WORKFLOW' },
    });
    const depth = await metric('wawagot.queue.depth');
    expect(depth[0]?.value).toBe(1);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      'process ai_tasks',
      'process ai_tasks',
      'step ask-llm',
      'workflow ai_automation',
      'workflow ai_automation',
    ]);
    expect(spans[1]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'poison' });
    expect(spans[4]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[4]?.events[0]?.name).toBe('exception');
    const runs = await metric('wawagot.workflow.runs');
    expect(runs.map((p) => p.attributes.outcome).sort()).toEqual(['completed', 'failed']);
  });

  it('stops when the returned function is called', async () => {
    const { bus, exporter, stop } = setup();
    stop();
    await bus.publish('workflow.completed', { workflow: 'w', runId: 'r', durationMs: 1 });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(bus.listenerCount()).toBe(0);
  });
});
