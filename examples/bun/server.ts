// Bun: a signed webhook starts a durable workflow; its progress is readable over HTTP.
//   WEBHOOK_SECRET=whsec_... bun run server.ts
// POST /webhooks/orders (Standard Webhooks signature) starts `fulfil-order` once per delivery id;
// GET /runs/<runId> returns the run and its steps.
import { createBus } from '@wawagot/integrations/bus';
import { createWebhookRouter, memoryDedup, standardWebhooks } from '@wawagot/integrations/webhooks';
import { createWorkflowRunner, defineWorkflow, memoryStore } from '@wawagot/integrations/workflows';

interface Order {
  orderId: string;
  items: number;
}

const fulfil = defineWorkflow('fulfil-order', async (order: Order, step) => {
  const reservation = await step.run('reserve', () => ({ reserved: order.items, at: Date.now() }));
  await step.sleep('settle', '50ms');
  const shipment = await step.run('ship', () => ({ tracking: `TRK-${order.orderId}` }));
  return { ...reservation, ...shipment };
});

const bus = createBus();
// memoryStore keeps runs in this process; use redisStore/postgresStore to survive restarts.
const runner = createWorkflowRunner({ store: memoryStore(), workflows: [fulfil], bus });
const webhooks = createWebhookRouter({
  routes: {
    '/webhooks/orders': {
      scheme: standardWebhooks({ secret: process.env.WEBHOOK_SECRET ?? '' }),
      handler: async (webhook) => {
        const order = webhook.payload as Order;
        // The delivery id is the run id: a redelivered webhook never starts a second run.
        await runner.start(fulfil, order, { runId: `order-${webhook.id ?? order.orderId}` });
      },
    },
  },
  dedup: memoryDedup(),
  bus,
});

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: '127.0.0.1',
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/webhooks/')) return webhooks.fetch(request);
    const run = /^\/runs\/([\w.-]+)$/.exec(pathname);
    if (run?.[1]) {
      const info = await runner.status(run[1]).catch(() => undefined);
      return info ? Response.json(info) : new Response('unknown run', { status: 404 });
    }
    return new Response('POST /webhooks/orders, GET /runs/<runId>', { status: 404 });
  },
});
console.log(`listening on http://${server.hostname}:${server.port}`);
