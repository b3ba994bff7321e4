import { describe, expect, it } from 'vitest';
import { github, hmac, signWebhook, verifyWebhook } from '../../src/webhooks/index.js';

describe('hmac idHeader', () => {
  it('finds a mixed-case id header in a plain-object and in a Fetch Headers input', async () => {
    const scheme = hmac({ header: 'X-Signature', idHeader: 'X-Request-Id', secret: 'canary-secret' });
    const headers = await signWebhook('{"a":1}', scheme, { id: 'req_1' });
    expect((await verifyWebhook({ body: '{"a":1}', headers }, scheme)).id).toBe('req_1');
    const asSent = { 'X-Signature': headers['x-signature'] as string, 'X-Request-Id': 'req_1' };
    expect((await verifyWebhook({ body: '{"a":1}', headers: asSent }, scheme)).id).toBe('req_1');
    expect((await verifyWebhook({ body: '{"a":1}', headers: new Headers(asSent) }, scheme)).id).toBe('req_1');
  });
});

describe('Headers from another fetch implementation', () => {
  /** A Headers look-alike that is not an instance of the global class (undici's package, polyfills). */
  class ForeignHeaders {
    #map = new Map<string, string>();
    constructor(init: Record<string, string>) {
      for (const [k, v] of Object.entries(init)) this.#map.set(k.toLowerCase(), v);
    }
    get(name: string) {
      return this.#map.get(name.toLowerCase()) ?? null;
    }
  }

  it('is read through its get()', async () => {
    const scheme = github({ secret: 'canary-secret' });
    const headers = await signWebhook('{"zen":"ok"}', scheme, { id: 'd-1' });
    const foreign = new ForeignHeaders(headers) as unknown as Headers;
    const webhook = await verifyWebhook({ body: '{"zen":"ok"}', headers: foreign }, scheme);
    expect(webhook.id).toBe('d-1');
    await expect(verifyWebhook({ body: '{"zen":"no"}', headers: foreign }, scheme)).rejects.toMatchObject({
      reason: 'invalid_signature',
    });
  });
});
