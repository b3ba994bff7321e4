import { HEX } from '../encoding.js';
import { firstKey, HEX_256, need, parseTime, reject, secretKeys, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link retell}. */
export interface RetellOptions {
  /** The Retell API key(s) that sign the webhooks. */
  apiKey: WebhookSecret;
}

const FORMAT = /^v=(\d+),d=(.*)$/;

/**
 * Retell AI's scheme: `x-retell-signature: v=<ms>,d=<hex>` (hex in either case), HMAC-SHA256 of
 * the body followed by the millisecond timestamp, keyed with the API key.
 *
 * @example
 * ```ts
 * const { payload } = await verifyWebhook(request, retell({ apiKey: process.env.RETELL_API_KEY }));
 * ```
 */
export function retell(options: RetellOptions): WebhookScheme {
  const keys = secretKeys(options?.apiKey, HEX);
  return {
    name: 'retell',
    verify(m) {
      firstKey(keys);
      const [, ms = '', hex = ''] = FORMAT.exec(need(m, 'x-retell-signature')) ?? [];
      const digest = hex.toLowerCase();
      if (!HEX_256.test(digest)) reject('malformed_signature');
      const time = parseTime(ms);
      return verifyDigest(keys, [m.body, ms], [digest], 0, m, { timestamp: time / 1000 }, time);
    },
    async sign(body, { timestamp, now }) {
      const ms = String(timestamp === undefined ? now : Math.round(timestamp * 1000));
      return { 'x-retell-signature': `v=${ms},d=${await firstKey(keys)([body, ms])}` };
    },
  };
}
