import { fromHex, toHex } from '../encoding.js';
import {
  checkTime,
  need,
  needKeys,
  parseTime,
  reject,
  secretKeys,
  signingKey,
  verifyDigest,
} from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link retell}. */
export interface RetellOptions {
  /** The Retell API key(s) that sign the webhooks. */
  apiKey: WebhookSecret;
}

const FORMAT = /^v=(\d{1,20}),d=([0-9a-fA-F]*)$/;

/**
 * Retell AI's scheme: `x-retell-signature: v=<ms>,d=<hex>`, HMAC-SHA256 of the body followed by
 * the millisecond timestamp, keyed with the API key.
 *
 * @example
 * ```ts
 * const { payload } = await verifyWebhook(request, retell({ apiKey: process.env.RETELL_API_KEY }));
 * ```
 */
export function retell(options: RetellOptions): WebhookScheme {
  const keys = secretKeys('retell', options?.apiKey);
  return {
    name: 'retell',
    verify(m) {
      needKeys(keys);
      const match = FORMAT.exec(need(m, 'x-retell-signature')) ?? reject('malformed_signature');
      const ms = match[1] as string;
      const digest = fromHex(match[2] as string, true);
      const time = parseTime(ms);
      return verifyDigest(keys, [m.body, ms], digest?.length === 32 ? [digest] : [], () => {
        checkTime(time, m);
        return { timestamp: time / 1000 };
      });
    },
    async sign(body, { timestamp, now }) {
      const ms = String(timestamp === undefined ? now : Math.round(timestamp * 1000));
      const digest = await signingKey(keys).sign([body, ms]);
      return { 'x-retell-signature': `v=${ms},d=${toHex(digest)}` };
    },
  };
}
