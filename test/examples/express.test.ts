import { signWebhook, slack } from '@wawagot/integrations/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startServer } from '../../scripts/runtimes/server.mjs';
import { bundle, cleanup, eventually, type Started, start } from './harness.js';

const secret = 'starter-secret-express';

describe('examples/express starter', () => {
  let upstream: { url: string; close: () => Promise<void> };
  let app: Started;
  beforeAll(async () => {
    upstream = await startServer();
    const entry = await bundle('examples/express/server.ts', { external: ['express'] });
    app = await start(process.execPath, [entry], {
      UPSTREAM_URL: upstream.url,
      SLACK_SIGNING_SECRET: secret,
      PORT: '0',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await upstream?.close();
    cleanup();
  });

  it('serves the JSON API through the REST client', async () => {
    expect(await (await fetch(`${app.url}/items`)).json()).toEqual([{ id: 1, name: 'first' }]);
    const res = await fetch(`${app.url}/items`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ created: { name: 'x' }, idempotencyKey: expect.any(String) });
  });

  it('verifies Slack events before the body parser and queues each once', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev_starter_1', event: { type: 'app_mention' } });
    const headers = await signWebhook(body, slack({ signingSecret: secret }));
    const post = (h: Record<string, string>) =>
      fetch(`${app.url}/webhooks/slack`, {
        method: 'POST',
        body,
        headers: { ...h, 'content-type': 'application/json' },
      });
    expect((await post(headers)).status).toBe(202);
    await eventually(async () => {
      const s = (await (await fetch(`${app.url}/status`)).json()) as { handled: string[] };
      return s.handled.includes('Ev_starter_1');
    });
    const forged = { ...headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect((await post(forged)).status).toBe(401);
  });
});
