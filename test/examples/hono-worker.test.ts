import { signWebhook, standardWebhooks, stripe } from '@wawagot/integrations/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, cleanup, type Started, startWorkerd } from './harness.js';

const stripeSecret = 'whsec_starter_stripe_secret';
const appSecret = `whsec_${btoa('starter-standard-webhooks-secret')}`;

describe('examples/hono-worker starter in workerd', () => {
  let worker: Started;
  beforeAll(async () => {
    const script = await bundle('examples/hono-worker/src/index.ts', { platform: 'neutral' });
    worker = await startWorkerd(script, { STRIPE_WEBHOOK_SECRET: stripeSecret, STANDARD_WEBHOOK_SECRET: appSecret });
  });
  afterAll(async () => {
    await worker?.stop();
    cleanup();
  });

  it('accepts a signed Stripe event once, refuses a forged one', async () => {
    const body = JSON.stringify({ id: 'evt_starter_1', type: 'invoice.paid', data: { object: {} } });
    const headers = await signWebhook(body, stripe({ secret: stripeSecret }));
    const post = (h: Record<string, string>) =>
      fetch(`${worker.url}/webhooks/stripe`, { method: 'POST', body, headers: h });
    expect((await post(headers)).status).toBe(202);
    expect((await post(headers)).status).toBe(200);
    expect((await post({ 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` })).status).toBe(
      401,
    );
  });

  it('accepts a Standard Webhooks delivery and runs the subscriber', async () => {
    const body = JSON.stringify({ type: 'user.created' });
    const headers = await signWebhook(body, standardWebhooks({ secret: appSecret }), { id: 'msg_starter_1' });
    const res = await fetch(`${worker.url}/webhooks/app`, { method: 'POST', body, headers });
    expect(res.status).toBe(202);
    const received = (await (await fetch(`${worker.url}/received`)).json()) as unknown[];
    expect(received).toEqual([
      { source: 'stripe', id: 'evt_starter_1', type: 'invoice.paid' },
      { source: 'standard-webhooks', id: 'msg_starter_1', type: 'user.created' },
    ]);
    expect((await fetch(`${worker.url}/webhooks/unknown`, { method: 'POST', body })).status).toBe(404);
  });
});
