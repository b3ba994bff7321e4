import { BASE64, fromBase64 } from '../encoding.js';
import {
  BASE64_256,
  need,
  needKeys,
  parseTime,
  reject,
  secretKeys,
  signingKey,
  verifyDigest,
} from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link standardWebhooks}. */
export interface StandardWebhooksOptions {
  /** `whsec_`-prefixed base64 secret(s), as Svix and Standard Webhooks issue them. */
  secret: WebhookSecret;
}

/**
 * The Standard Webhooks scheme (Svix-compatible): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (`v1,<base64>` entries separated by spaces, any may match, a malformed
 * one refuses the header), HMAC-SHA256 of `id.timestamp.body`. The `svix-*` header names are
 * accepted too.
 *
 * @example
 * ```ts
 * const scheme = standardWebhooks({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
 * const { id, payload } = await verifyWebhook(request, scheme);
 * ```
 */
export function standardWebhooks(options: StandardWebhooksOptions): WebhookScheme {
  const keys = secretKeys('standardWebhooks', options?.secret, BASE64, (s) =>
    fromBase64(s.startsWith('whsec_') ? s.slice(6) : s),
  );
  return {
    name: 'standard-webhooks',
    verify(m) {
      needKeys(keys);
      const standard = m.header('webhook-signature');
      const prefix = standard === undefined ? 'svix-' : 'webhook-';
      const signature = standard ?? need(m, 'svix-signature');
      const id = need(m, `${prefix}id`);
      const timestamp = need(m, `${prefix}timestamp`);
      const seconds = parseTime(timestamp);
      const candidates: string[] = [];
      for (const entry of signature.split(' ')) {
        if (!entry.startsWith('v1,')) continue;
        const digest = entry.slice(3);
        // One bad v1 entry spoils the header: a repeated header joined by ", " must not pass.
        if (!BASE64_256.test(digest)) reject('malformed_signature');
        candidates.push(digest);
      }
      return verifyDigest(
        keys,
        [`${id}.${timestamp}.`, m.body],
        candidates,
        m,
        { id, timestamp: seconds },
        seconds * 1000,
      );
    },
    async sign(body, { id = `msg_${crypto.randomUUID()}`, timestamp, now }) {
      const ts = String(timestamp ?? Math.floor(now / 1000));
      const digest = await signingKey(keys)([`${id}.${ts}.`, body]);
      return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${digest}` };
    },
  };
}
