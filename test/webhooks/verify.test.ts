import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import {
  github,
  hmac,
  isWebhookVerificationError,
  retell,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookInput,
  type WebhookScheme,
} from '../../src/webhooks/index.js';

const CANARY = 'canary-secret-3f9a1c';
const CANARY_WHSEC = `whsec_${btoa(CANARY)}`;
const body = '{"event":"call_ended","call":{"id":"c_1"}}';

async function reason(input: WebhookInput, scheme: WebhookScheme, options?: Parameters<typeof verifyWebhook>[2]) {
  try {
    await verifyWebhook(input, scheme, options);
  } catch (error) {
    expect(isWebhookVerificationError(error)).toBe(true);
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(text).not.toContain(CANARY);
    return (error as { reason: string }).reason;
  }
  throw new Error('verifyWebhook resolved');
}

describe('verifyWebhook rejections', () => {
  const gh = github({ secret: CANARY });

  it('missing, malformed, invalid signatures', async () => {
    const good = await signWebhook(body, gh);
    const sig = good['x-hub-signature-256'] as string;
    expect(await reason({ body, headers: {} }, gh)).toBe('missing_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': '' } }, gh)).toBe('missing_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': 'sha1=abc' } }, gh)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': sig.slice(0, -2) } }, gh)).toBe(
      'malformed_signature',
    );
    expect(await reason({ body, headers: { 'x-hub-signature-256': `${sig}00` } }, gh)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': sig.toUpperCase() } }, gh)).toBe(
      'malformed_signature',
    );
    expect(await reason({ body: `${body} `, headers: good }, gh)).toBe('invalid_signature');
    expect(await reason({ body, headers: good }, github({ secret: 'other' }))).toBe('invalid_signature');
  });

  it('reads only the own headers of an object or pairs, whatever their prototypes carry', async () => {
    const good = await signWebhook(body, gh);
    // An inherited header is not one the request carried.
    expect(await reason({ body, headers: Object.create(good) }, gh)).toBe('missing_signature');
    // A library extending Array.prototype with an enumerable method must not break pairs.
    Object.defineProperty(Array.prototype, 'extension', { value: () => 1, enumerable: true, configurable: true });
    try {
      await expect(verifyWebhook({ body, headers: Object.entries(good) }, gh)).resolves.toBeDefined();
    } finally {
      delete (Array.prototype as { extension?: unknown }).extension;
    }
  });

  it('non-ASCII and repeated headers (object case, string[], pairs, Fetch Headers)', async () => {
    const good = await signWebhook(body, gh);
    const sig = good['x-hub-signature-256'] as string;
    expect(await reason({ body, headers: { 'x-hub-signature-256': `${sig}é` } }, gh)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': `${sig}\n` } }, gh)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'x-hub-signature-256': `${sig}\u0001` } }, gh)).toBe('malformed_signature');
    await expect(verifyWebhook({ body, headers: { 'x-hub-signature-256': ` ${sig}\t` } }, gh)).resolves.toBeDefined();
    expect(await reason({ body, headers: { 'X-Hub-Signature-256': sig, 'x-hub-signature-256': sig } }, gh)).toBe(
      'malformed_signature',
    );
    expect(await reason({ body, headers: { 'x-hub-signature-256': [sig, sig] } }, gh)).toBe('malformed_signature');
    expect(
      await reason(
        {
          body,
          headers: [
            ['x-hub-signature-256', sig],
            ['X-HUB-SIGNATURE-256', sig],
          ],
        },
        gh,
      ),
    ).toBe('malformed_signature');
    const headers = new Headers();
    headers.append('x-hub-signature-256', sig);
    headers.append('x-hub-signature-256', sig);
    expect(await reason({ body, headers }, gh)).toBe('malformed_signature');
    // A single-element array (Node style) is fine.
    await expect(verifyWebhook({ body, headers: { 'x-hub-signature-256': [sig] } }, gh)).resolves.toBeDefined();
  });

  it('repeated Standard Webhooks and Stripe headers joined by ", " are refused', async () => {
    const sw = standardWebhooks({ secret: CANARY_WHSEC });
    const h = await signWebhook(body, sw);
    const joined = new Headers(h);
    joined.append('webhook-signature', h['webhook-signature'] as string);
    expect(await reason({ body, headers: joined }, sw)).toBe('malformed_signature');
    const st = stripe({ secret: CANARY });
    const s = await signWebhook(body, st);
    const sj = new Headers(s);
    sj.append('stripe-signature', s['stripe-signature'] as string);
    expect(await reason({ body, headers: sj }, st)).toBe('malformed_signature');
  });

  it('empty v1 entry, wrong-length digests, several v1 entries', async () => {
    const sw = standardWebhooks({ secret: CANARY_WHSEC });
    const h = await signWebhook(body, sw);
    expect(await reason({ body, headers: { ...h, 'webhook-signature': 'v1,' } }, sw)).toBe('malformed_signature');
    expect(await reason({ body, headers: { ...h, 'webhook-signature': `v1,${btoa('x'.repeat(31))}` } }, sw)).toBe(
      'malformed_signature',
    );
    expect(await reason({ body, headers: { ...h, 'webhook-signature': 'v2,abc' } }, sw)).toBe('malformed_signature');
    const other = `v1,${btoa('y'.repeat(32))}`;
    const ok = await verifyWebhook(
      { body, headers: { ...h, 'webhook-signature': `${other} ${h['webhook-signature']}` } },
      sw,
    );
    expect(ok.id).toBe(h['webhook-id']);
    const st = stripe({ secret: CANARY });
    const s = (await signWebhook(body, st))['stripe-signature'] as string;
    const [t, v1] = s.split(',');
    await expect(
      verifyWebhook({ body, headers: { 'stripe-signature': `${t},v1=${'0'.repeat(64)},${v1},v0=zz` } }, st),
    ).resolves.toBeDefined();
    expect(await reason({ body, headers: { 'stripe-signature': `${t},${t},${v1}` } }, st)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'stripe-signature': `${v1}` } }, st)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'stripe-signature': `${t},v1=` } }, st)).toBe('malformed_signature');
  });

  it('timestamps: NaN, negative, exponent, huge, future and past beyond tolerance', async () => {
    const sw = standardWebhooks({ secret: CANARY_WHSEC });
    const h = await signWebhook(body, sw);
    for (const ts of ['NaN', '-5', '1e9', '12.5', '', ' ', '0x10', '9'.repeat(21), 'Infinity']) {
      const r = await reason({ body, headers: { ...h, 'webhook-timestamp': ts } }, sw);
      expect(['malformed_signature', 'missing_signature']).toContain(r);
    }
    const now = Date.now();
    const nowSec = Math.floor(now / 1000);
    for (const timestamp of [nowSec + 301, nowSec - 301, 0, 99_999_999_999]) {
      const signed = await signWebhook(body, sw, { timestamp: Math.min(timestamp, 99_999_999_999) });
      expect(await reason({ body, headers: signed }, sw, { now })).toBe('timestamp_out_of_range');
    }
    const huge = { ...h, 'webhook-timestamp': '9'.repeat(20) };
    expect(await reason({ body, headers: huge }, sw)).toBe('invalid_signature');
    const edge = await signWebhook(body, sw, { timestamp: nowSec - 299 });
    await expect(verifyWebhook({ body, headers: edge }, sw, { now: new Date(now) })).resolves.toBeDefined();
    await expect(verifyWebhook({ body, headers: edge }, sw, { now, toleranceSec: 10 })).rejects.toMatchObject({
      reason: 'timestamp_out_of_range',
    });
  });

  it('slack and retell enforce their timestamps (retell in milliseconds)', async () => {
    const sl = slack({ signingSecret: CANARY });
    const old = await signWebhook(body, sl, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(await reason({ body, headers: old }, sl)).toBe('timestamp_out_of_range');
    const rt = retell({ apiKey: CANARY });
    const late = await signWebhook(body, rt, { timestamp: Date.now() / 1000 + 400 });
    expect(await reason({ body, headers: late }, rt)).toBe('timestamp_out_of_range');
    expect(await reason({ body, headers: { 'x-retell-signature': 'v=abc,d=00' } }, rt)).toBe('malformed_signature');
    expect(await reason({ body, headers: { 'x-retell-signature': `v=${Date.now()},d=` } }, rt)).toBe(
      'malformed_signature',
    );
    const ok = await verifyWebhook({ body, headers: await signWebhook(body, rt) }, rt);
    expect(ok.timestamp).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('missing_secret for empty secrets, at verify and sign time', async () => {
    for (const scheme of [
      github({ secret: '' }),
      github({ secret: [] }),
      stripe({ secret: [undefined as unknown as string] }),
      slack({ signingSecret: '' }),
      retell({ apiKey: '' }),
      shopify({ secret: '' }),
      standardWebhooks({ secret: '' }),
      hmac({ header: 'x-s', secret: '' }),
    ]) {
      expect(await reason({ body, headers: {} }, scheme)).toBe('missing_secret');
      await expect(signWebhook(body, scheme)).rejects.toMatchObject({ reason: 'missing_secret' });
    }
  });

  it('payload_too_large for bodies over maxBodyBytes', async () => {
    const h = await signWebhook(body, gh);
    expect(await reason({ body, headers: h }, gh, { maxBodyBytes: 10 })).toBe('payload_too_large');
    const request = new Request('https://x.test/', { method: 'POST', body, headers: h });
    expect(await reason(request, gh, { maxBodyBytes: 10 })).toBe('payload_too_large');
  });

  it('secret rotation: any secret passes, signing uses the first', async () => {
    const oldScheme = github({ secret: 'old-secret' });
    const rotated = github({ secret: ['new-secret', 'old-secret'] });
    await expect(verifyWebhook({ body, headers: await signWebhook(body, oldScheme) }, rotated)).resolves.toBeDefined();
    const signed = await signWebhook(body, rotated);
    await expect(verifyWebhook({ body, headers: signed }, github({ secret: 'new-secret' }))).resolves.toBeDefined();
    const sw = standardWebhooks({ secret: [CANARY_WHSEC, `whsec_${btoa('older')}`] });
    const olderSigned = await signWebhook(body, standardWebhooks({ secret: `whsec_${btoa('older')}` }));
    await expect(verifyWebhook({ body, headers: olderSigned }, sw)).resolves.toBeDefined();
  });

  it('hmac base64: each algorithm accepts only the canonical spelling of its digest', async () => {
    for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-512'] as const) {
      const scheme = hmac({ header: 'x-sig', algorithm, encoding: 'base64', secret: CANARY });
      const headers = await signWebhook(body, scheme);
      const sig = headers['x-sig'] as string;
      await expect(verifyWebhook({ body, headers }, scheme)).resolves.toBeDefined();
      // The same bytes with stray low bits before the padding, or without the padding.
      const pads = sig.length - sig.replace(/=+$/, '').length;
      const last = sig.length - pads - 1;
      const stray = `${sig.slice(0, last)}${sig[last] === 'B' ? 'C' : 'B'}${sig.slice(last + 1)}`;
      for (const bad of [stray, sig.replace(/=+$/, ''), `${sig}=`, sig.slice(4)]) {
        if (bad === sig) continue;
        expect(await reason({ body, headers: { 'x-sig': bad } }, scheme)).toBe('malformed_signature');
      }
    }
  });

  it('a Standard Webhooks secret may omit its base64 padding and whsec_ prefix', async () => {
    const padded = standardWebhooks({ secret: `whsec_${btoa('older')}` });
    const headers = await signWebhook(body, padded);
    expect(btoa('older')).toMatch(/=$/);
    for (const secret of [`whsec_${btoa('older').replace(/=+$/, '')}`, btoa('older')]) {
      await expect(verifyWebhook({ body, headers }, standardWebhooks({ secret }))).resolves.toBeDefined();
    }
  });

  it('bad options are CONFIG errors at creation, never echoing the secret', () => {
    const config = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(isIntegrationError(error) && error.code).toBe('CONFIG');
        expect(String((error as Error).message)).not.toContain(CANARY);
        return;
      }
      throw new Error('no error');
    };
    config(() => github({ secret: 42 as unknown as string }));
    config(() => standardWebhooks({ secret: `whsec_${CANARY}!!` }));
    config(() => hmac({ header: '', secret: 's' }));
    config(() => hmac({ header: 'x', algorithm: 'MD5' as 'SHA-1', secret: 's' }));
    config(() => hmac({ header: 'x', encoding: 'hex2' as 'hex', secret: 's' }));
  });

  it('bad verify/sign options are CONFIG errors', async () => {
    const h = await signWebhook(body, gh);
    await expect(verifyWebhook({ body, headers: h }, gh, { toleranceSec: -1 })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(verifyWebhook({ body: 42 as unknown as string, headers: h }, gh)).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(signWebhook(body, gh, { id: 'a\nb' })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(signWebhook(body, gh, { timestamp: Number.NaN })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('verifyWebhook results', () => {
  it('payload is parsed JSON, or the text; raw is the exact bytes', async () => {
    const gh = github({ secret: 's' });
    const json = await verifyWebhook({ body, headers: await signWebhook(body, gh, { id: 'd' }) }, gh);
    expect(json).toMatchObject({ id: 'd', payload: JSON.parse(body) });
    expect(new TextDecoder().decode(json.raw)).toBe(body);
    const form = 'a=1&b=2';
    const text = await verifyWebhook({ body: form, headers: await signWebhook(form, gh) }, gh);
    expect(text.payload).toBe(form);
    const empty = await verifyWebhook({ body: '', headers: await signWebhook('', gh) }, gh);
    expect(empty.payload).toBe('');
  });

  it("stripe: id is the payload's string id, read on first access; JSON shows it", async () => {
    const scheme = stripe({ secret: 'whsec_x' });
    const verify = async (raw: string) => verifyWebhook({ body: raw, headers: await signWebhook(raw, scheme) }, scheme);
    const event = await verify('{"id":"evt_1","n":1}');
    expect(event.id).toBe('evt_1');
    expect(event.payload).toBe(event.payload);
    expect(JSON.parse(JSON.stringify(event))).toMatchObject({ id: 'evt_1', payload: { id: 'evt_1', n: 1 } });
    for (const raw of ['{"id":7}', 'null', 'id=evt_1', '[]']) expect((await verify(raw)).id).toBeUndefined();
  });

  it('signs over the raw bytes, never a re-serialisation', async () => {
    const gh = github({ secret: 's' });
    const spaced = '{ "a" : 1 }';
    const h = { 'x-hub-signature-256': `sha256=${createHmac('sha256', 's').update(spaced).digest('hex')}` };
    await expect(verifyWebhook({ body: spaced, headers: h }, gh)).resolves.toBeDefined();
    expect(await reason({ body: JSON.stringify(JSON.parse(spaced)), headers: h }, gh)).toBe('invalid_signature');
  });
});
