// Live dashboard: a node:http server that pushes bus events to a static page over SSE.
//
//   node --import tsx examples/dashboard/server.ts        # then open http://127.0.0.1:3000
//
// The page (index.html) uses the browser's EventSource: per-topic event logs, a workflow
// progress list and circuit-breaker states. Imports point at the sources so the example runs
// without a build; in an application they are '@wawagot/integrations/<module>'.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBus } from '../../src/bus/index.js';
import { toNodeHandler } from '../../src/node/index.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import { attachWebSocket } from '../../src/realtime/node/index.js';
import type { RealtimeHub } from '../../src/realtime/types.js';

/** The topics the dashboard shows, mapped to bus event patterns. */
export const dashboardTopics = {
  dashboard_updates: ['dashboard.*'],
  ai_progress: ['ai.*'],
  automation_status: ['workflow.*', 'queue.*'],
  breakers: ['breaker.*'],
  voice_call_status: ['call.*'],
};

const page = readFileSync(new URL('./index.html', import.meta.url));

/** Creates the bus and hub the dashboard serves (they outlive any one HTTP server). */
export function createDashboardHub() {
  const bus = createBus();
  const hub = createRealtimeHub({ bus, topics: dashboardTopics, replay: 500, heartbeatMs: 10_000, retryMs: 500 });
  return { bus, hub };
}

/** Starts the HTTP server: `/` is the page, `/events` the SSE stream, `/ws` the WebSocket bridge. */
export async function startDashboard(
  hub: RealtimeHub,
  port = 0,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const handler = toNodeHandler(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/') {
      return new Response(page, {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    if (pathname === '/events') return hub.sse(request);
    return new Response('not found', { status: 404 });
  });
  const server = createServer(handler);
  const bridge = attachWebSocket(server, hub, { path: '/ws' });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    async close() {
      await bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Publishes a plausible stream of events so the page has something to show. */
function demo(bus: ReturnType<typeof createDashboardHub>['bus']): () => void {
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const runId = `run_${Math.floor(tick / 4)}`;
    const step = tick % 4;
    if (step === 0) bus.emit('workflow.started', { workflow: 'lead_followup', runId });
    else if (step < 3) {
      bus.emit('workflow.step_completed', {
        workflow: 'lead_followup',
        runId,
        stepId: step === 1 ? 'score_lead' : 'send_email',
        attempts: 1,
        durationMs: 40 * step,
      });
    } else bus.emit('workflow.completed', { workflow: 'lead_followup', runId, durationMs: 180 });
    bus.emit('ai.progress' as never, { task: 'summarise_call', percent: (tick * 7) % 100 } as never);
    if (tick % 10 === 5) bus.emit('breaker.opened', { name: 'llm', retryAfterMs: 5000 });
    if (tick % 10 === 8) bus.emit('breaker.half_opened', { name: 'llm' });
    if (tick % 10 === 9) bus.emit('breaker.closed', { name: 'llm' });
    if (tick % 6 === 0) bus.emit('call.ended' as never, { callId: `call_${tick}`, durationSec: 30 + tick } as never);
  }, 1000);
  return () => clearInterval(timer);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bus, hub } = createDashboardHub();
  const { url } = await startDashboard(hub, Number(process.env.PORT ?? 3000));
  demo(bus);
  console.log(`dashboard on ${url}`);
}
