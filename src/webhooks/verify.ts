import { configError } from '../internal/config.js';
import { text } from './encoding.js';
import { Message, objectBody, readBody } from './input.js';
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
    if (typeof (input as Request).arrayBuffer === 'function')
      return readBody(input as Request, maxBodyBytes).then((body) =>
        check<T>(new Message(body, input.headers, +now, toleranceSec), scheme),
      );
    // Synchronous on Node: no promise hop but the single resolved promise returned here.
    return Promise.resolve(
      check<T>(new Message(objectBody(input, maxBodyBytes), input.headers, +now, toleranceSec), scheme),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

function check<T>(message: Message, scheme: WebhookScheme): VerifiedWebhook<T> | Promise<VerifiedWebhook<T>> {
  const result = scheme.verify(message);
  return result instanceof Promise
    ? result.then((r) => verified<T>(message.body, scheme, r))
    : verified<T>(message.body, scheme, result);
}

/** A verified delivery; `payload` is parsed on first access (a prototype getter: cheap to create). */
class Verified {
  declare id?: string;
  declare timestamp?: number;
  declare readonly raw: Uint8Array;
  #parsed: [unknown] | undefined;
  constructor(raw: Uint8Array) {
    this.raw = raw;
  }
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

/** A delivery whose id is the payload's `id` field: read (and the body parsed) on first access. */
class VerifiedByPayloadId extends Verified {}
Object.defineProperty(VerifiedByPayloadId.prototype, 'id', {
  get(this: Verified): string | undefined {
    const id = (this.payload as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  },
});

function verified<T>(body: Uint8Array, scheme: WebhookScheme, { id, timestamp }: SchemeResult): VerifiedWebhook<T> {
  const webhook = id === undefined && scheme.payloadId ? new VerifiedByPayloadId(body) : new Verified(body);
  if (timestamp !== undefined) webhook.timestamp = timestamp;
  if (id !== undefined) webhook.id = id;
  return webhook as VerifiedWebhook<T>;
}
