import { assertNumber } from '../internal/config.js';
import { text } from './encoding.js';
import { headerReader, readBody, readObject } from './input.js';
import type { VerifiedWebhook, VerifyWebhookOptions, WebhookInput, WebhookScheme } from './types.js';

/** Default `maxBodyBytes`: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** A verified delivery; `payload` is parsed on first access and kept. */
class Verified {
  id?: string;
  timestamp?: number;
  #payload: { value: unknown } | undefined;
  constructor(readonly raw: Uint8Array) {}
  get payload(): unknown {
    if (!this.#payload) {
      const value = text(this.raw);
      try {
        this.#payload = { value: JSON.parse(value) };
      } catch {
        this.#payload = { value };
      }
    }
    return this.#payload.value;
  }
  toJSON() {
    return { id: this.id, timestamp: this.timestamp, payload: this.payload };
  }
}

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
  const toleranceSec = options.toleranceSec === undefined ? 300 : assertNumber('toleranceSec', options.toleranceSec);
  const maxBytes =
    options.maxBodyBytes === undefined ? DEFAULT_MAX_BODY_BYTES : assertNumber('maxBodyBytes', options.maxBodyBytes);
  const now = options.now === undefined ? Date.now() : +options.now;
  const { body, header } =
    typeof (input as Request)?.arrayBuffer === 'function'
      ? { body: await readBody(input as Request, maxBytes), header: headerReader((input as Request).headers) }
      : readObject(input, maxBytes);
  const { id, timestamp } = await scheme.verify({ body, header, now, toleranceSec });
  const webhook = new Verified(body);
  if (timestamp !== undefined) webhook.timestamp = timestamp;
  const payloadId = scheme.payloadId && (webhook.payload as { id?: unknown } | null)?.id;
  const deliveryId = id ?? (typeof payloadId === 'string' ? payloadId : undefined);
  if (deliveryId !== undefined) webhook.id = deliveryId;
  return webhook as VerifiedWebhook<T>;
}
