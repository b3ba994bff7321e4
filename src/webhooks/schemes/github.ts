import { HEX } from '../encoding.js';
import { firstKey, need, reject, secretKeys, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/** Options of {@link github}. */
export interface GitHubOptions {
  /** The webhook's secret(s). */
  secret: WebhookSecret;
}

/**
 * GitHub's scheme: `X-Hub-Signature-256: sha256=<hex>` of the body; the delivery id is
 * `X-GitHub-Delivery`. GitHub signs no timestamp: pair it with a dedup store.
 *
 * @example
 * ```ts
 * const { id, payload } = await verifyWebhook(request, github({ secret: process.env.GITHUB_WEBHOOK_SECRET }));
 * ```
 */
export function github(options: GitHubOptions): WebhookScheme {
  const keys = secretKeys(options?.secret, HEX);
  return {
    name: 'github',
    verify(m) {
      firstKey(keys);
      const signature = need(m, 'x-hub-signature-256');
      if (!SIGNATURE.test(signature)) reject('malformed_signature');
      return verifyDigest(keys, [m.body], [signature], 7, m, { id: m.header('x-github-delivery') });
    },
    async sign(body, { id = crypto.randomUUID() }) {
      return { 'x-hub-signature-256': `sha256=${await firstKey(keys)([body])}`, 'x-github-delivery': id };
    },
  };
}
