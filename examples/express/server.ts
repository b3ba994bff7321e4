// Express: verified webhooks mounted before the JSON body parser, a REST client with a retry
// policy behind a JSON API, and a queue for the slow work.
//   PORT=3000 UPSTREAM_URL=https://api.example.com SLACK_SIGNING_SECRET=... npx tsx server.ts
import { createBus } from '@wawagot/integrations/bus';
import { toNodeHandler } from '@wawagot/integrations/node';
import { compose, constant, retry, timeout } from '@wawagot/integrations/policies';
import { createQueue, memoryDriver } from '@wawagot/integrations/queue';
import { createRestClient } from '@wawagot/integrations/rest';
import { createWebhookRouter, memoryDedup, slack } from '@wawagot/integrations/webhooks';
import express from 'express';

const bus = createBus();
const api = createRestClient({
  baseUrl: process.env.UPSTREAM_URL ?? 'https://jsonplaceholder.typicode.com',
  policy: compose(timeout(10_000), retry({ maxAttempts: 3, backoff: constant(200) })),
  bus,
});
const queue = createQueue<{ 'slack-events': { eventId: string; type: string } }>({ driver: memoryDriver(), bus });
const handled: string[] = [];
void queue.process('slack-events', async ({ payload }) => {
  await api.post('/items', { json: payload, idempotencyKey: payload.eventId });
  handled.push(payload.eventId);
});

const webhooks = createWebhookRouter({
  routes: {
    '/webhooks/slack': {
      scheme: slack({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' }),
      handler: async ({ payload }) => {
        const body = payload as { type?: string; event_id?: string; event?: { type?: string } };
        if (body.type !== 'event_callback' || !body.event_id) return;
        await queue.send(
          'slack-events',
          { eventId: body.event_id, type: body.event?.type ?? 'unknown' },
          { jobId: body.event_id },
        );
      },
    },
  },
  dedup: memoryDedup(),
  bus,
});

const app = express();
// Webhooks first: toNodeHandler needs the untouched raw body, so no body parser runs before it.
app.post('/webhooks/:provider', toNodeHandler(webhooks.fetch));
app.use(express.json());
app.get('/items', async (_req, res, next) => {
  try {
    res.json(await api.get('/items'));
  } catch (error) {
    next(error);
  }
});
app.post('/items', async (req, res, next) => {
  try {
    res.status(201).json(await api.post('/items', { json: req.body, idempotencyKey: true }));
  } catch (error) {
    next(error);
  }
});
app.get('/status', async (_req, res) => {
  res.json({ handled, queue: await queue.counts('slack-events') });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});
