import { describe, expect, it } from 'vitest';
import { hmac, signWebhook, verifyWebhook } from '../../src/webhooks/index.js';

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
