import { configError } from '../internal/config.js';
import { text, utf8 } from './encoding.js';
import { header, type Message, readBody } from './input.js';
import { reject } from './scheme-helpers.js';
import type { SchemeResult, VerifiedWebhook, VerifyWebhookOptions, WebhookInput, WebhookScheme } from './types.js';

/**
 * Verifies a webhook delivery over its exact raw bytes, in constant time, and resolves with its
 * id, timestamp and payload. Throws `WebhookVerificationError` (with a `reason`) for every bad
 * delivery; never resolves for a bad signature.
 *
 * Bad arguments reject with a `CONFIG` error before anything is read: a scheme that is not one,
 * options out of range (`toleranceSec` or `maxBodyBytes` not a number >= 0, `now` not a finite
 * number or `Date`), an input that is neither a `Request` nor `{ body, headers }`, and a
 * `Request` whose body was already read or is being read (verify before anything parses the
 * body, or pass the raw bytes as `{ body, headers }`).
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
  const { toleranceSec = 300, now = Date.now(), maxBodyBytes = 1_048_576 } = options || {};
  const ms = typeof now === 'number' || now instanceof Date ? +now : Number.NaN;
  const headers = input?.headers;
  // Plain typeof and range checks, cheap on every delivery. NaN fails every comparison.
  if (typeof scheme?.verify !== 'function') configError('verifyWebhook: scheme is not a webhook scheme');
  if (
    !(
      typeof options === 'object' &&
      options &&
      typeof toleranceSec === 'number' &&
      toleranceSec >= 0 &&
      typeof maxBodyBytes === 'number' &&
      maxBodyBytes >= 0 &&
      Number.isFinite(ms)
    )
  )
    configError(
      'verifyWebhook: options must be an object; toleranceSec, maxBodyBytes numbers >= 0; now a finite number or Date',
    );
  if (!(headers && typeof headers === 'object'))
    configError('verifyWebhook: input must be a Request or { body, headers }');
  const raw = (input as { body?: unknown }).body;
  const body =
    typeof (input as Request).arrayBuffer === 'function'
      ? await readBody(input as Request, maxBodyBytes)
      : typeof raw === 'string'
        ? utf8(raw)
        : raw;
  if (!(body instanceof Uint8Array)) configError('verifyWebhook: input must be a Request or { body, headers }');
  if (body.length > maxBodyBytes) reject('payload_too_large');
  // No per-call closure: `header` is a shared function reading `this.headers`.
  const message: Message = { body, headers, header, now: ms, toleranceSec };
  // Synchronous on the Node engine: no promise hop but the one this async function returns.
  let result = scheme.verify(message);
  if (result instanceof Promise) result = await result;
  return new (result.id === undefined && scheme.payloadId ? ByPayloadId : Verified)(body, result) as VerifiedWebhook<T>;
}

/** A verified delivery; `payload` is parsed on first access (a prototype getter: cheap to create). */
class Verified {
  declare timestamp?: number;
  declare readonly raw: Uint8Array;
  #parsed: unknown;
  constructor(raw: Uint8Array, { id, timestamp }: SchemeResult) {
    this.raw = raw;
    if (timestamp !== undefined) this.timestamp = timestamp;
    // An own property (no class field: ByPayloadId defines `id` as a getter, and never gets one).
    if (id !== undefined) (this as { id?: string }).id = id;
  }
  get payload(): unknown {
    // Never `undefined` once parsed: JSON.parse does not return it, and text is a string.
    if (this.#parsed === undefined) {
      const value = text(this.raw);
      try {
        this.#parsed = JSON.parse(value);
      } catch {
        this.#parsed = value;
      }
    }
    return this.#parsed;
  }
  /** `JSON.stringify` shows the payload (a getter, so `{ ...webhook }` leaves it out). */
  toJSON() {
    return { id: (this as { id?: string }).id, timestamp: this.timestamp, payload: this.payload };
  }
}

/** A delivery whose id is the payload's `id` field (Stripe): read, and the body parsed, on first access. */
class ByPayloadId extends Verified {
  get id(): string | undefined {
    const id = (this.payload as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  }
}
