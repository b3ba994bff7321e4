import { BASE64, fromBase64 } from '../encoding.js';
import { firstKey, need, parseTime, reject, secretKeys, signedSeconds, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

// A `v1` entry: the canonical base64 of a SHA-256 digest (43 characters, the last without
// stray bits, and one `=`).
const ENTRY = /^v1,[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

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
  const keys = secretKeys(
    options?.secret,
    BASE64,
    (s) => fromBase64(s.startsWith('whsec_') ? s.slice(6) : s),
    undefined,
    'standardWebhooks: the secret must be "whsec_" followed by base64',
  );
  return {
    name: 'standard-webhooks',
    verify(m) {
      firstKey(keys);
      const standard = m.header('webhook-signature');
      const svix = standard === undefined;
      const signature = standard ?? need(m, 'svix-signature');
      const id = need(m, svix ? 'svix-id' : 'webhook-id');
      const timestamp = need(m, svix ? 'svix-timestamp' : 'webhook-timestamp');
      const seconds = parseTime(timestamp);
      const candidates: string[] = [];
      for (const entry of signature.split(' ')) {
        if (!entry.startsWith('v1,')) continue;
        // One bad v1 entry spoils the header: a repeated header joined by ", " must not pass.
        if (!ENTRY.test(entry)) reject('malformed_signature');
        candidates.push(entry);
      }
      return verifyDigest(
        keys,
        [`${id}.${timestamp}.`, m.body],
        candidates,
        3,
        m,
        { id, timestamp: seconds },
        seconds * 1000,
      );
    },
    async sign(body, { id = `msg_${crypto.randomUUID()}`, timestamp, now }) {
      const ts = signedSeconds(timestamp, now);
      const digest = await firstKey(keys)([`${id}.${ts}.`, body]);
      return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${digest}` };
    },
  };
}
