import { createHmac } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { sign as retellSign, verify as retellVerify } from 'retell-sdk';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forceWebCrypto } from '../../src/webhooks/hmac.js';
import {
  github,
  hmac,
  retell,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
} from '../../src/webhooks/index.js';

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ id: 'evt_123', object: 'event', type: 'call.ended', text: 'héllo ✓', n: 1 });
const stripeClient = new Stripe('sk_test_interop');

describe.each(['node', 'web'] as const)('interop with the official libraries (%s crypto)', (engine) => {
  beforeAll(() => forceWebCrypto(engine === 'web'));
  afterAll(() => forceWebCrypto(false));

  it('standardwebhooks signs → we verify; we sign → standardwebhooks verifies', async () => {
    const theirs = new StandardWebhook(SW_SECRET);
    const now = new Date();
    const signature = theirs.sign('msg_1', now, body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(+now / 1000)),
      'webhook-signature': signature,
    };
    const ok = await verifyWebhook({ body, headers }, standardWebhooks({ secret: SW_SECRET }));
    expect(ok.id).toBe('msg_1');
    expect(ok.payload).toEqual(JSON.parse(body));
    const ours = await signWebhook(body, standardWebhooks({ secret: SW_SECRET }), { id: 'msg_2' });
    expect(theirs.verify(body, ours)).toEqual(JSON.parse(body));
  });

  it('svix signs → we verify (svix-* headers); we sign → svix verifies', async () => {
    const theirs = new SvixWebhook(SW_SECRET);
    const now = new Date();
    const signature = theirs.sign('msg_svix', now, body);
    const headers = {
      'svix-id': 'msg_svix',
      'svix-timestamp': String(Math.floor(+now / 1000)),
      'svix-signature': signature,
    };
    const ok = await verifyWebhook({ body, headers }, standardWebhooks({ secret: SW_SECRET }));
    expect(ok.id).toBe('msg_svix');
    const ours = await signWebhook(body, standardWebhooks({ secret: SW_SECRET }));
    expect(theirs.verify(body, ours)).toEqual(JSON.parse(body));
  });

  it('stripe generateTestHeaderString → we verify; we sign → constructEvent accepts', async () => {
    const secret = 'whsec_stripe_test_secret';
    const header = stripeClient.webhooks.generateTestHeaderString({ payload: body, secret });
    const ok = await verifyWebhook({ body, headers: { 'Stripe-Signature': header } }, stripe({ secret }));
    expect(ok.id).toBe('evt_123');
    expect(typeof ok.timestamp).toBe('number');
    const ours = await signWebhook(body, stripe({ secret }));
    const event = stripeClient.webhooks.constructEvent(body, ours['stripe-signature'] as string, secret);
    expect(event.id).toBe('evt_123');
  });

  it('@octokit/webhooks-methods sign → we verify; we sign → octokit verifies', async () => {
    const secret = 'gh-secret';
    const signature = await octokitSign(secret, body);
    const ok = await verifyWebhook(
      { body, headers: { 'X-Hub-Signature-256': signature, 'X-GitHub-Delivery': 'd-1' } },
      github({ secret }),
    );
    expect(ok.id).toBe('d-1');
    const ours = await signWebhook(body, github({ secret }));
    expect(await octokitVerify(secret, body, ours['x-hub-signature-256'] as string)).toBe(true);
  });

  it('retell-sdk sign → we verify; we sign → retell-sdk verifies', async () => {
    const apiKey = 'key_retell_interop';
    const signature = await retellSign(body, apiKey);
    const ok = await verifyWebhook({ body, headers: { 'x-retell-signature': signature } }, retell({ apiKey }));
    expect(ok.payload).toEqual(JSON.parse(body));
    const ours = await signWebhook(body, retell({ apiKey }));
    expect(await retellVerify(body, apiKey, ours['x-retell-signature'] as string)).toBe(true);
  });

  it('shopify: documented algorithm (base64 HMAC-SHA256 of the body), both ways', async () => {
    const secret = 'shpss_secret';
    const expected = createHmac('sha256', secret).update(body, 'utf8').digest('base64');
    const ok = await verifyWebhook(
      { body, headers: { 'X-Shopify-Hmac-Sha256': expected, 'X-Shopify-Webhook-Id': 'w-1' } },
      shopify({ secret }),
    );
    expect(ok.id).toBe('w-1');
    const ours = await signWebhook(body, shopify({ secret }));
    expect(ours['x-shopify-hmac-sha256']).toBe(expected);
  });

  it('slack: documented algorithm (v0:timestamp:body, hex), both ways', async () => {
    const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
    const ts = String(Math.floor(Date.now() / 1000));
    const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const ok = await verifyWebhook(
      { body, headers: { 'X-Slack-Signature': expected, 'X-Slack-Request-Timestamp': ts } },
      slack({ signingSecret }),
    );
    expect(ok.timestamp).toBe(Number(ts));
    const ours = await signWebhook(body, slack({ signingSecret }), { timestamp: Number(ts) });
    expect(ours['x-slack-signature']).toBe(expected);
  });

  it('hmac: SHA-512 base64, SHA-1 hex with a prefix, uppercase hex', async () => {
    const secret = 'generic';
    const b64 = createHmac('sha512', secret).update(body).digest('base64');
    const s512 = hmac({ header: 'X-Signature', algorithm: 'SHA-512', encoding: 'base64', secret });
    await expect(verifyWebhook({ body, headers: { 'x-signature': b64 } }, s512)).resolves.toMatchObject({
      raw: expect.any(Uint8Array),
    });
    expect((await signWebhook(body, s512))['x-signature']).toBe(b64);
    const hex1 = createHmac('sha1', secret).update(body).digest('hex');
    const s1 = hmac({ header: 'x-sig', algorithm: 'SHA-1', prefix: 'sha1=', secret, idHeader: 'x-id' });
    const ok = await verifyWebhook({ body, headers: { 'x-sig': `sha1=${hex1.toUpperCase()}`, 'x-id': 'i-1' } }, s1);
    expect(ok.id).toBe('i-1');
    expect((await signWebhook(body, s1))['x-sig']).toBe(`sha1=${hex1}`);
  });

  it('verifies a Request over its raw bytes (non-UTF-8 body included)', async () => {
    const raw = new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x80]);
    const scheme = github({ secret: 's' });
    const headers = await signWebhook(raw, scheme);
    const request = new Request('https://example.test/hook', { method: 'POST', body: raw, headers });
    const ok = await verifyWebhook(request, scheme);
    expect(Array.from(ok.raw)).toEqual(Array.from(raw));
    expect(typeof ok.payload).toBe('string');
  });
});
