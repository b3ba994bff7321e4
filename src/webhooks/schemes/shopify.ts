import { BASE64 } from '../encoding.js';
import { BASE64_256, firstKey, need, reject, secretKeys, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link shopify}. */
export interface ShopifyOptions {
  /** The app's client secret(s). */
  secret: WebhookSecret;
}

/**
 * Shopify's scheme: `X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the body. The delivery id is
 * `X-Shopify-Event-Id` (or `X-Shopify-Webhook-Id`). No signed timestamp: pair it with a dedup store.
 *
 * @example
 * ```ts
 * const { payload } = await verifyWebhook(request, shopify({ secret: process.env.SHOPIFY_CLIENT_SECRET }));
 * ```
 */
export function shopify(options: ShopifyOptions): WebhookScheme {
  const keys = secretKeys(options?.secret, BASE64);
  return {
    name: 'shopify',
    verify(m) {
      firstKey(keys);
      const digest = need(m, 'x-shopify-hmac-sha256');
      if (!BASE64_256.test(digest)) reject('malformed_signature');
      return verifyDigest(keys, [m.body], [digest], 0, m, {
        id: m.header('x-shopify-event-id') ?? m.header('x-shopify-webhook-id'),
      });
    },
    async sign(body, { id = crypto.randomUUID() }) {
      return { 'x-shopify-hmac-sha256': await firstKey(keys)([body]), 'x-shopify-webhook-id': id };
    },
  };
}
