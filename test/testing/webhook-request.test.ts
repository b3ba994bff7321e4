import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { recordBus, webhookRequest } from '../../src/testing/index.js';
import {
  createWebhookRouter,
  github,
  hmac,
  memoryDedup,
  retell,
  shopify,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookScheme,
} from '../../src/webhooks/index.js';

const CANARY = 'canary-secret-9f8e7d';
const schemes: Array<[string, WebhookScheme]> = [
  ['standard-webhooks', standardWebhooks({ secret: `whsec_${btoa(CANARY)}` })],
  ['stripe', stripe({ secret: CANARY })],
  ['github', github({ secret: CANARY })],
  ['shopify', shopify({ secret: CANARY })],
  ['slack', slack({ signingSecret: CANARY })],
  ['retell', retell({ apiKey: CANARY })],
  ['hmac', hmac({ header: 'x-signature', prefix: 'sha256=', secret: CANARY, idHeader: 'x-delivery' })],
];

describe('webhookRequest', () => {
  it.each(schemes)(
    '%s: the router accepts it, publishes it and the signature leaks no secret',
    async (name, scheme) => {
      const bus = createBus();
      const recorder = recordBus(bus);
      const router = createWebhookRouter({ routes: { [`/webhooks/${name}`]: { scheme, event: 'hook' } }, bus });
      const request = await webhookRequest(scheme, { id: 'evt_1', type: 'ping', n: 1 });
      expect(request.method).toBe('POST');
      expect(new URL(request.url).pathname).toBe(`/webhooks/${scheme.name}`);
      expect(request.headers.get('content-type')).toBe('application/json');
      for (const value of request.headers.values()) expect(value).not.toContain(CANARY);
      const res = await router.fetch(request);
      expect(res.status).toBe(202);
      const hook = await recorder.waitFor('hook');
      expect(hook.data).toEqual({ id: 'evt_1', type: 'ping', n: 1 });
    },
  );

  it.each(schemes)('%s: a body changed after signing is refused', async (_name, scheme) => {
    const signed = await webhookRequest(scheme, { amount: 1 }, { url: '/hook' });
    const tampered = new Request(signed.url, { method: 'POST', headers: signed.headers, body: '{"amount":1000}' });
    await expect(verifyWebhook(tampered, scheme)).rejects.toMatchObject({ reason: expect.any(String) });
  });

  it('sends strings and bytes as given, honours url, id, timestamp and extra headers', async () => {
    const scheme = standardWebhooks({ secret: `whsec_${btoa(CANARY)}` });
    const timestamp = Math.floor(Date.now() / 1000) - 10;
    const request = await webhookRequest(scheme, 'plain text', {
      url: 'https://app.example.com/in?x=1',
      id: 'msg_42',
      timestamp,
      headers: { 'x-tenant': 't1', 'webhook-id': 'not-this' },
    });
    expect(request.url).toBe('https://app.example.com/in?x=1');
    expect(request.headers.get('webhook-id')).toBe('msg_42');
    expect(request.headers.get('webhook-timestamp')).toBe(String(timestamp));
    expect(request.headers.get('x-tenant')).toBe('t1');
    expect(request.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await request.clone().text()).toBe('plain text');
    const verified = await verifyWebhook(request, scheme);
    expect(verified).toMatchObject({ id: 'msg_42', timestamp });

    const bytes = new Uint8Array([0, 1, 2, 255]);
    const binary = await webhookRequest(scheme, bytes);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await binary.clone().arrayBuffer())).toEqual(bytes);
    await expect(verifyWebhook(binary, scheme)).resolves.toBeDefined();
  });

  it('an old timestamp is refused by the router (replay protection stays testable)', async () => {
    const scheme = stripe({ secret: CANARY });
    const router = createWebhookRouter({ routes: { '/webhooks/stripe': { scheme } } });
    const stale = await webhookRequest(scheme, { id: 'evt_old' }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await router.fetch(stale)).status).toBe(401);
  });

  it('the same id twice is a duplicate for a router with dedup', async () => {
    const scheme = github({ secret: CANARY });
    const router = createWebhookRouter({ routes: { '/webhooks/github': { scheme } }, dedup: memoryDedup() });
    expect((await router.fetch(await webhookRequest(scheme, { a: 1 }, { id: 'd-1' }))).status).toBe(202);
    expect((await router.fetch(await webhookRequest(scheme, { a: 1 }, { id: 'd-1' }))).status).toBe(200);
  });

  it('rejects bad input with CONFIG', async () => {
    await expect(webhookRequest({} as never, {})).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(webhookRequest(github({ secret: CANARY }), {}, { url: 'http://[bad' })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(webhookRequest(github({ secret: CANARY }), {}, { id: 'has space' })).rejects.toMatchObject({
      code: 'CONFIG',
    });
  });
});
