import { fromBase64, toBase64 } from '../encoding.js';
import { need, needKeys, secretKeys, signingKey, verifyDigest } from '../scheme-helpers.js';
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
  const keys = secretKeys('shopify', options?.secret);
  return {
    name: 'shopify',
    verify(m) {
      needKeys(keys);
      const digest = fromBase64(need(m, 'x-shopify-hmac-sha256'));
      return verifyDigest(keys, [m.body], digest?.length === 32 ? [digest] : [], () => ({
        id: m.header('x-shopify-event-id') ?? m.header('x-shopify-webhook-id'),
      }));
    },
    async sign(body, { id = crypto.randomUUID() }) {
      const digest = await signingKey(keys).sign([body]);
      return { 'x-shopify-hmac-sha256': toBase64(digest), 'x-shopify-webhook-id': id };
    },
  };
}
