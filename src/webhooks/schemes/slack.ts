import { HEX } from '../encoding.js';
import { firstKey, need, parseTime, reject, secretKeys, signedSeconds, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

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
  const keys = secretKeys(options?.signingSecret, HEX);
  return {
    name: 'slack',
    verify(m) {
      firstKey(keys);
      const signature = need(m, 'x-slack-signature');
      const timestamp = need(m, 'x-slack-request-timestamp');
      if (!SIGNATURE.test(signature)) reject('malformed_signature');
      const seconds = parseTime(timestamp);
      return verifyDigest(
        keys,
        [`v0:${timestamp}:`, m.body],
        [signature],
        3,
        m,
        { timestamp: seconds },
        seconds * 1000,
      );
    },
    async sign(body, { timestamp, now }) {
      const ts = signedSeconds(timestamp, now);
      return {
        'x-slack-signature': `v0=${await firstKey(keys)([`v0:${ts}:`, body])}`,
        'x-slack-request-timestamp': ts,
      };
    },
  };
}
