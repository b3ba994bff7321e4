import { github, signWebhook } from '@wawagot/integrations/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startServer } from '../../scripts/runtimes/server.mjs';
import { bundle, cleanup, eventually, type Started, start } from './harness.js';

const secret = 'starter-secret-node-http';

describe('examples/node-http starter', () => {
  let upstream: { url: string; close: () => Promise<void> };
  let app: Started;
  beforeAll(async () => {
    upstream = await startServer();
    const entry = await bundle('examples/node-http/server.ts');
    app = await start(process.execPath, [entry], {
      UPSTREAM_URL: upstream.url,
      GITHUB_WEBHOOK_SECRET: secret,
      PORT: '0',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await upstream?.close();
    cleanup();
  });

  it('proxies GET /items through the REST client', async () => {
    const res = await fetch(`${app.url}/items`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ id: 1, name: 'first' }]);
  });

  it('verifies a GitHub delivery, queues it once and forwards it upstream', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const id = crypto.randomUUID();
    const headers = { ...(await signWebhook(body, github({ secret }), { id })), 'x-github-event': 'ping' };
    const post = (h: Record<string, string>) =>
      fetch(`${app.url}/webhooks/github`, { method: 'POST', body, headers: h });
    expect((await post(headers)).status).toBe(202);
    const status = await eventually(async () => {
      const s = (await (await fetch(`${app.url}/status`)).json()) as { forwarded: string[] };
      return s.forwarded.includes(id) && s;
    });
    expect(status.forwarded).toEqual([id]);
    expect((await post(headers)).status).toBe(200);
    expect((await post({ ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
  });
});
