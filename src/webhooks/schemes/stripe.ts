import { HEX } from '../encoding.js';
import {
  firstKey,
  HEX_256,
  need,
  parseTime,
  reject,
  secretKeys,
  signedSeconds,
  verifyDigest,
} from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link stripe}. */
export interface StripeOptions {
  /** The endpoint's signing secret(s) (`whsec_...`). */
  secret: WebhookSecret;
}

/**
 * Stripe's scheme: `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 of
 * `t.body`. The delivery id is the event's `id` (from the payload).
 *
 * @example
 * ```ts
 * const event = await verifyWebhook(request, stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET }));
 * ```
 */
export function stripe(options: StripeOptions): WebhookScheme {
  const keys = secretKeys(options?.secret, HEX);
  return {
    name: 'stripe',
    payloadId: true,
    verify(m) {
      firstKey(keys);
      let t: string | undefined;
      const candidates: string[] = [];
      const header = need(m, 'stripe-signature');
      // Stripe never sends spaces: one here means a repeated header joined by ", ".
      if (header.includes(' ')) reject('malformed_signature');
      // `key=value` items separated by commas, scanned in place (no split arrays).
      for (let at = 0; at <= header.length; ) {
        const comma = header.indexOf(',', at);
        const end = comma < 0 ? header.length : comma;
        const eq = header.indexOf('=', at);
        if (eq <= at || eq > end) reject('malformed_signature');
        if (eq === at + 1 && header.charCodeAt(at) === 116 /* t */) {
          if (t !== undefined) reject('malformed_signature');
          t = header.slice(eq + 1, end);
        } else if (eq === at + 2 && header.startsWith('v1', at)) {
          const digest = header.slice(eq + 1, end);
          // Other schemes' entries and malformed v1 ones are skipped, as Stripe's library does.
          if (HEX_256.test(digest)) candidates.push(digest);
        }
        at = end + 1;
      }
      const seconds = parseTime(t ?? reject('malformed_signature'));
      return verifyDigest(keys, [`${t}.`, m.body], candidates, 0, m, { timestamp: seconds }, seconds * 1000);
    },
    async sign(body, { timestamp, now }) {
      const t = signedSeconds(timestamp, now);
      return { 'stripe-signature': `t=${t},v1=${await firstKey(keys)([`${t}.`, body])}` };
    },
  };
}
