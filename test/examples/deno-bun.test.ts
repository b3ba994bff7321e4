import { github, signWebhook, standardWebhooks } from '@wawagot/integrations/webhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle, cleanup, eventually, runtimeBin, type Started, start } from './harness.js';

afterAll(cleanup);

describe('examples/deno starter on Deno', () => {
  let app: Started | undefined;
  afterAll(() => app?.stop());

  it('streams a verified GitHub delivery to an SSE client', async () => {
    const secret = 'starter-secret-deno';
    const entry = await bundle('examples/deno/main.ts', { platform: 'neutral' });
    app = await start(runtimeBin('deno'), ['run', '--allow-net', '--allow-env', '--no-prompt', entry], {
      GITHUB_WEBHOOK_SECRET: secret,
      PORT: '0',
    });
    const events = await fetch(`${app.url}/events?topics=github`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();

    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const headers = {
      ...(await signWebhook(body, github({ secret }), { id: 'delivery-1' })),
      'x-github-event': 'push',
    };
    const post = await fetch(`${app.url}/webhooks/github`, { method: 'POST', body, headers });
    expect(post.status).toBe(202);

    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('refs/heads/main')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(text).toContain('event: github');
    expect(text).toContain('"type":"github.push"');
    expect(text).toContain('id: ');
    const forged = await fetch(`${app.url}/webhooks/github`, {
      method: 'POST',
      body,
      headers: { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    });
    expect(forged.status).toBe(401);
  });
});

describe('examples/bun starter on Bun', () => {
  let app: Started | undefined;
  afterAll(() => app?.stop());

  it('starts one durable workflow per delivery and reports it', async () => {
    const secret = `whsec_${btoa('starter-secret-bun')}`;
    const entry = await bundle('examples/bun/server.ts', { platform: 'neutral' });
    app = await start(runtimeBin('bun'), [entry], { WEBHOOK_SECRET: secret, PORT: '0' });
    const body = JSON.stringify({ orderId: 'A-1', items: 2 });
    const headers = await signWebhook(body, standardWebhooks({ secret }), { id: 'msg_order_1' });
    const post = () => fetch(`${app?.url}/webhooks/orders`, { method: 'POST', body, headers });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(200);
    const run = await eventually(async () => {
      const res = await fetch(`${app?.url}/runs/order-msg_order_1`);
      const info = res.ok ? ((await res.json()) as { status: string; output?: unknown; steps: unknown[] }) : undefined;
      return info?.status === 'completed' && info;
    });
    expect(run.output).toMatchObject({ reserved: 2, tracking: 'TRK-A-1' });
    expect(run.steps).toHaveLength(3);
    expect((await fetch(`${app.url}/runs/nope`)).status).toBe(404);
  });
});
