import { assertNumber } from '../internal/config.js';
import { text } from './encoding.js';
import { readInput } from './input.js';
import type { VerifiedWebhook, VerifyWebhookOptions, WebhookInput, WebhookScheme } from './types.js';

/** Default `maxBodyBytes`: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Verifies a webhook delivery over its exact raw bytes, in constant time, and resolves with its
 * id, timestamp and payload. Throws `WebhookVerificationError` (with a `reason`) for every bad
 * delivery; never resolves for a bad signature.
 *
 * @example
 * ```ts
 * import { verifyWebhook, github } from '@wawagot/integrations/webhooks';
 * const scheme = github({ secret: env.GITHUB_WEBHOOK_SECRET });
 * export default { fetch: async (request) => {
 *   const { id, payload } = await verifyWebhook(request, scheme);
 *   return new Response(null, { status: 204 });
 * } };
 * ```
 */
export async function verifyWebhook<T = unknown>(
  input: WebhookInput,
  scheme: WebhookScheme,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<T>> {
  const toleranceSec = assertNumber('toleranceSec', options.toleranceSec ?? 300);
  const maxBytes = assertNumber('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const now = options.now === undefined ? Date.now() : +options.now;
  const { body, header } = await readInput(input, maxBytes);
  const { id, timestamp } = await scheme.verify({ body, header, now, toleranceSec });
  let parsed: { value: unknown } | undefined;
  const webhook: VerifiedWebhook<T> = {
    raw: body,
    get payload(): T {
      parsed ??= { value: parse(body) };
      return parsed.value as T;
    },
  };
  if (timestamp !== undefined) webhook.timestamp = timestamp;
  const payloadId = scheme.payloadId && (webhook.payload as { id?: unknown } | null)?.id;
  const deliveryId = id ?? (typeof payloadId === 'string' ? payloadId : undefined);
  if (deliveryId !== undefined) webhook.id = deliveryId;
  return webhook;
}

function parse(body: Uint8Array): unknown {
  const value = text(body);
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
