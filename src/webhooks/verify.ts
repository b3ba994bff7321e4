import { configError } from '../internal/config.js';
import { text } from './encoding.js';
import { headerReader, objectBody, readBody } from './input.js';
import type { SchemeResult, VerifiedWebhook, VerifyWebhookOptions, WebhookInput, WebhookScheme } from './types.js';

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
export function verifyWebhook<T = unknown>(
  input: WebhookInput,
  scheme: WebhookScheme,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<T>> {
  try {
    const { toleranceSec = 300, now = Date.now(), maxBodyBytes = 1_048_576 } = options;
    if (!(toleranceSec >= 0 && maxBodyBytes >= 0))
      configError('verifyWebhook: toleranceSec and maxBodyBytes must be >= 0');
    const check = (body: Uint8Array) => {
      const result = scheme.verify({ body, header: headerReader(input.headers), now: +now, toleranceSec });
      // Synchronous on Node: no promise hop until the single one returned below.
      return result instanceof Promise
        ? result.then((r) => verified<T>(body, scheme, r))
        : verified<T>(body, scheme, result);
    };
    return typeof (input as Request).arrayBuffer === 'function'
      ? readBody(input as Request, maxBodyBytes).then(check)
      : Promise.resolve(check(objectBody(input, maxBodyBytes)));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A verified delivery; `payload` is parsed on first access (a prototype getter: cheap to create). */
class Verified {
  id?: string;
  timestamp?: number;
  #parsed: [unknown] | undefined;
  constructor(readonly raw: Uint8Array) {}
  get payload(): unknown {
    if (!this.#parsed) {
      const value = text(this.raw);
      try {
        this.#parsed = [JSON.parse(value)];
      } catch {
        this.#parsed = [value];
      }
    }
    return this.#parsed[0];
  }
  /** `JSON.stringify` shows the payload (a getter, so `{ ...webhook }` leaves it out). */
  toJSON() {
    return { id: this.id, timestamp: this.timestamp, payload: this.payload };
  }
}

function verified<T>(body: Uint8Array, scheme: WebhookScheme, { id, timestamp }: SchemeResult): VerifiedWebhook<T> {
  const webhook = new Verified(body);
  if (timestamp !== undefined) webhook.timestamp = timestamp;
  const payloadId = scheme.payloadId && (webhook.payload as { id?: unknown } | null)?.id;
  const delivery = id ?? (typeof payloadId === 'string' ? payloadId : undefined);
  if (delivery !== undefined) webhook.id = delivery;
  return webhook as VerifiedWebhook<T>;
}
