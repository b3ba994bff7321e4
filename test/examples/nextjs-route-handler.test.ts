import { signWebhook, stripe } from '@wawagot/integrations/webhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const secret = 'whsec_starter_next_secret';

describe('examples/nextjs-route-handler', () => {
  beforeEach(() => {
    vi.stubEnv('STRIPE_WEBHOOK_SECRET', secret);
    vi.resetModules();
  });
  afterEach(() => vi.unstubAllEnvs());

  it('answers a signed Stripe event and refuses a forged or oversized one', async () => {
    const { POST, runtime } = await import('../../examples/nextjs-route-handler/app/api/webhooks/stripe/route.js');
    expect(runtime).toBe('edge');
    const body = JSON.stringify({ id: 'evt_next_1', type: 'checkout.session.completed', data: { object: {} } });
    const headers = await signWebhook(body, stripe({ secret }));
    const url = 'http://localhost:3000/api/webhooks/stripe';
    const ok = await POST(new Request(url, { method: 'POST', body, headers }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, id: 'evt_next_1', type: 'checkout.session.completed' });

    const forged = await POST(new Request(url, { method: 'POST', body: body.replace('evt_next_1', 'evt_x'), headers }));
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('invalid signature');

    const big = 'x'.repeat(600 * 1024);
    const large = await POST(
      new Request(url, { method: 'POST', body: big, headers: await signWebhook(big, stripe({ secret })) }),
    );
    expect(large.status).toBe(413);
  });
});
