// The whole starter: a REST client for an upstream API, a verified GitHub webhook endpoint and a
// job queue that forwards each delivery to the upstream with retries. Web-standard: `app.fetch`
// is a Fetch handler that server.ts serves from node:http through toNodeHandler.
import { createBus } from '@wawagot/integrations/bus';
import { compose, constant, retry, timeout } from '@wawagot/integrations/policies';
import { createQueue, memoryDriver } from '@wawagot/integrations/queue';
import { createRestClient } from '@wawagot/integrations/rest';
import { createWebhookRouter, github, memoryDedup } from '@wawagot/integrations/webhooks';

export interface AppOptions {
  /** Base URL of the upstream REST API (`GET /items`, `POST /items`). */
  upstreamUrl: string;
  /** The secret configured on the GitHub webhook. */
  webhookSecret: string;
}

interface Delivery {
  deliveryId: string;
  event: string;
}

export function createApp({ upstreamUrl, webhookSecret }: AppOptions) {
  const bus = createBus();
  const api = createRestClient({
    baseUrl: upstreamUrl,
    policy: compose(timeout(10_000), retry({ maxAttempts: 4, backoff: constant(200) })),
    bus,
  });
  const queue = createQueue<{ deliveries: Delivery }>({ driver: memoryDriver(), bus });
  const forwarded: string[] = [];

  void queue.process('deliveries', async ({ payload }) => {
    // POST is retried only with an idempotency key: the upstream can drop a replayed call.
    await api.post('/items', { json: payload, idempotencyKey: payload.deliveryId });
    forwarded.push(payload.deliveryId);
  });

  const webhooks = createWebhookRouter({
    routes: {
      '/webhooks/github': {
        scheme: github({ secret: webhookSecret }),
        handler: async (webhook, request) => {
          const deliveryId = webhook.id ?? crypto.randomUUID();
          const event = request.headers.get('x-github-event') ?? 'unknown';
          await queue.send('deliveries', { deliveryId, event }, { jobId: deliveryId });
        },
      },
    },
    dedup: memoryDedup(),
    bus,
  });

  async function fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/webhooks/')) return webhooks.fetch(request);
    if (pathname === '/items' && request.method === 'GET') return Response.json(await api.get('/items'));
    if (pathname === '/status' && request.method === 'GET') {
      return Response.json({ forwarded, queue: await queue.counts('deliveries') });
    }
    return new Response('not found', { status: 404 });
  }

  return { fetch, bus, close: () => queue.close() };
}
