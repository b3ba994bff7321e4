// node:http entry: `PORT=3000 UPSTREAM_URL=... GITHUB_WEBHOOK_SECRET=... npx tsx server.ts`
import { createServer } from 'node:http';
import { toNodeHandler } from '@wawagot/integrations/node';
import { createApp } from './app.js';

const app = createApp({
  upstreamUrl: process.env.UPSTREAM_URL ?? 'https://jsonplaceholder.typicode.com',
  webhookSecret: process.env.GITHUB_WEBHOOK_SECRET ?? '',
});
const server = createServer(toNodeHandler(app.fetch));
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : process.env.PORT;
  console.log(`listening on http://127.0.0.1:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void app.close();
  });
}
