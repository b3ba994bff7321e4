// Deno: GitHub webhooks pushed live to browsers over Server-Sent Events.
//   GITHUB_WEBHOOK_SECRET=change-me deno run --allow-net --allow-env main.ts
// POST /webhooks/github verifies and publishes each delivery; GET /events?topics=github streams them.
import { createBus } from '@wawagot/integrations/bus';
import { createRealtimeHub } from '@wawagot/integrations/realtime';
import { createWebhookRouter, github, memoryDedup } from '@wawagot/integrations/webhooks';

const bus = createBus<Record<`github.${string}`, unknown>>();
const hub = createRealtimeHub({ bus, topics: { github: ['github.*'] }, heartbeatMs: 15_000 });
const webhooks = createWebhookRouter({
  routes: {
    '/webhooks/github': {
      scheme: github({ secret: Deno.env.get('GITHUB_WEBHOOK_SECRET') ?? '' }),
      handler: async (webhook, request) => {
        const event = request.headers.get('x-github-event') ?? 'unknown';
        await bus.publish(`github.${event}`, webhook.payload, webhook.id ? { id: webhook.id } : undefined);
      },
    },
  },
  dedup: memoryDedup(),
  bus,
});

function handle(request: Request): Response | Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith('/webhooks/')) return webhooks.fetch(request);
  if (pathname === '/events') return hub.sse(request);
  return new Response('POST /webhooks/github, GET /events?topics=github', { status: 404 });
}

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8000),
    hostname: '127.0.0.1',
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  handle,
);
