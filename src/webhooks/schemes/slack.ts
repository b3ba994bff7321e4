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

/** Options of {@link slack}. */
export interface SlackOptions {
  /** The app's signing secret(s). */
  signingSecret: WebhookSecret;
}

/**
 * Slack's scheme: `X-Slack-Signature: v0=<hex>` of `v0:<X-Slack-Request-Timestamp>:<body>`.
 *
 * @example
 * ```ts
 * const { payload } = await verifyWebhook(request, slack({ signingSecret: process.env.SLACK_SIGNING_SECRET }));
 * ```
 */
export function slack(options: SlackOptions): WebhookScheme {
  const keys = secretKeys('slack', options?.signingSecret);
  return {
    name: 'slack',
    verify(m) {
      needKeys(keys);
      const signature = need(m, 'x-slack-signature');
      const timestamp = need(m, 'x-slack-request-timestamp');
      if (!signature.startsWith('v0=')) reject('malformed_signature');
      const seconds = parseTime(timestamp);
      const digest = fromHex(signature.slice(3));
      return verifyDigest(keys, [`v0:${timestamp}:`, m.body], digest?.length === 32 ? [digest] : [], () => {
        checkTime(seconds * 1000, m);
        return { timestamp: seconds };
      });
    },
    async sign(body, { timestamp, now }) {
      const ts = String(timestamp ?? Math.floor(now / 1000));
      const digest = await signingKey(keys).sign([`v0:${ts}:`, body]);
      return { 'x-slack-signature': `v0=${toHex(digest)}`, 'x-slack-request-timestamp': ts };
    },
  };
}
