import type { Logger } from '../types.js';
import { controlFrame, sseFrame } from './entry.js';
import { createFrameQueue } from './frame-queue.js';
import type { HubClient, HubInternals } from './hub.js';
import { HEARTBEAT, retryFrame } from './sse-format.js';
import { assertTopics, type TopicTable } from './topics.js';
import type { SseOptions } from './types.js';

/** What `hub.sse()` needs from its hub. */
export interface SseContext {
  internals: HubInternals;
  authorize(request: Request): Promise<string[] | null>;
  maxQueue: number;
  retryMs: number;
  logger: Logger | undefined;
  table: TopicTable;
}

const MAX_REQUESTED_TOPICS = 100;

function plain(status: number, text: string): Response {
  // The same short body whatever the reason, so refusals never reveal which topics exist.
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** Topics the client asked for with `?topics=a,b` (repeatable), or `undefined` for "all". */
function requestedTopics(url: URL): string[] | null | undefined {
  const values = url.searchParams.getAll('topics');
  if (values.length === 0) return undefined;
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return names.length > MAX_REQUESTED_TOPICS ? null : names;
}

/** Serves one SSE request for a hub (see `RealtimeHub.sse`). */
export async function handleSse(request: Request, options: SseOptions | undefined, ctx: SseContext): Promise<Response> {
  const { internals, table } = ctx;
  let endpointTopics: readonly string[] = table.names;
  if (options?.topics !== undefined) {
    assertTopics(table, options.topics, 'sse()');
    endpointTopics = options.topics;
  }
  if (internals.closed) return plain(503, 'unavailable');
  const allowed = await ctx.authorize(request);
  if (allowed === null) return plain(401, 'unauthorized');
  const permitted = allowed.filter((name) => endpointTopics.includes(name));
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return plain(400, 'bad request');
  }
  const asked = requestedTopics(url);
  if (asked === null || asked?.some((name) => !permitted.includes(name))) return plain(403, 'forbidden');
  const topics = asked ?? permitted;
  if (topics.length === 0) return plain(403, 'forbidden');
  if (request.signal?.aborted || internals.closed) return plain(503, 'unavailable');

  const lastEventId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId') ?? '';
  // Closures keep only the signal: a live client should not pin the whole Request.
  const signal: AbortSignal | undefined = request.signal;
  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    internals.remove(client);
    signal?.removeEventListener('abort', cleanup);
  };
  const queue = createFrameQueue(ctx.maxQueue, cleanup);
  const client: HubClient = {
    topics: table.names.map((name) => topics.includes(name)),
    deliver(entry, t) {
      if (!queue.push(sseFrame(entry, t, table.names[t] as string))) overflow();
    },
    heartbeat() {
      if (!queue.push(HEARTBEAT)) overflow();
    },
    end() {
      cleanup();
      queue.end();
    },
  };
  function overflow(): void {
    ctx.logger?.warn({ queued: queue.size }, 'realtime: SSE client too slow; disconnected with overflow');
    cleanup();
    queue.abort(controlFrame({ type: 'overflow' }));
  }

  queue.push(retryFrame(ctx.retryMs), true);
  if (lastEventId !== '') {
    const replay = internals.replayAfter(lastEventId);
    if (!Array.isArray(replay)) queue.push(controlFrame(replay), true);
    else {
      for (const entry of replay) {
        const t = entry.topics.find((i) => client.topics[i]);
        if (t !== undefined) queue.push(sseFrame(entry, t, table.names[t] as string), true);
      }
    }
  }
  internals.add(client);
  signal?.addEventListener('abort', cleanup, { once: true });

  return new Response(queue.stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
