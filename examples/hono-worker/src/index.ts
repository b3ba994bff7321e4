// A Cloudflare Worker that receives Stripe and Standard Webhooks (Svix, Resend, ...) deliveries
// with Hono. Each delivery is verified over its raw bytes, de-duplicated and published on a bus;
// the subscriber below is where your code goes (here it records the last deliveries in memory).
import { createBus } from '@wawagot/integrations/bus';
import { createWebhookRouter, memoryDedup, standardWebhooks, stripe } from '@wawagot/integrations/webhooks';
import { Hono } from 'hono';

export interface Env {
  STRIPE_WEBHOOK_SECRET: string;
  STANDARD_WEBHOOK_SECRET: string;
}

type Received = { source: string; id: string; type: string };
const received: Received[] = [];
let router: ReturnType<typeof createWebhookRouter> | undefined;

/** One router per isolate, built from the first request's bindings. */
function routerFor(env: Env) {
  if (router) return router;
  const bus = createBus<{ 'stripe.event': { id: string; type: string }; 'app.event': { type: string } }>();
  bus.subscribe('stripe.event', (e) => {
    received.push({ source: 'stripe', id: e.data.id, type: e.data.type });
  });
  bus.subscribe('app.event', (e) => {
    received.push({ source: 'standard-webhooks', id: e.id, type: e.data.type });
  });
  router = createWebhookRouter({
    routes: {
      '/webhooks/stripe': { scheme: stripe({ secret: env.STRIPE_WEBHOOK_SECRET }), event: 'stripe.event' },
      '/webhooks/app': { scheme: standardWebhooks({ secret: env.STANDARD_WEBHOOK_SECRET }), event: 'app.event' },
    },
    // Per isolate: use redisDedup() (Upstash) or a Durable Object for a global guarantee.
    dedup: memoryDedup(),
    bus,
  });
  return router;
}

const app = new Hono<{ Bindings: Env }>();
app.post('/webhooks/:source', (c) => routerFor(c.env).fetch(c.req.raw));
app.get('/received', (c) => c.json(received.slice(-20)));
app.get('/', (c) => c.text('webhook receiver: POST /webhooks/stripe or /webhooks/app'));

export default app;
