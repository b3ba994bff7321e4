import { fromHex, toHex } from '../encoding.js';
import { need, needKeys, reject, secretKeys, signingKey, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

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
  const keys = secretKeys('github', options?.secret);
  return {
    name: 'github',
    verify(m) {
      needKeys(keys);
      const signature = need(m, 'x-hub-signature-256');
      if (!signature.startsWith('sha256=')) reject('malformed_signature');
      const digest = fromHex(signature.slice(7));
      return verifyDigest(keys, [m.body], digest?.length === 32 ? [digest] : [], () => ({
        id: m.header('x-github-delivery'),
      }));
    },
    async sign(body, { id = crypto.randomUUID() }) {
      const digest = await signingKey(keys).sign([body]);
      return { 'x-hub-signature-256': `sha256=${toHex(digest)}`, 'x-github-delivery': id };
    },
  };
}
