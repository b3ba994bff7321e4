import { assertObject, configError } from '../internal/config.js';
import { utf8 } from './encoding.js';
import type { SignWebhookOptions, WebhookScheme } from './types.js';

const ID = /^[\x21-\x7e]{1,256}$/;

/**
 * Signs `body` with a scheme's first secret and returns the headers to send with it, for tests
 * and for sending webhooks. The body must be sent byte for byte as given. Bad arguments (a body
 * that is neither a string nor bytes, a scheme that is not one, an `id` that is not 1-256
 * printable ASCII characters, a `timestamp` that is not seconds since the epoch, or not whole
 * seconds for a scheme that signs seconds) reject with a `CONFIG` error.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ type: 'call.ended' });
 * const headers = await signWebhook(body, standardWebhooks({ secret }));
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 * ```
 */
export async function signWebhook(
  body: string | Uint8Array,
  scheme: WebhookScheme,
  options: SignWebhookOptions = {},
): Promise<Record<string, string>> {
  if (!(typeof body === 'string' || body instanceof Uint8Array))
    configError('signWebhook: body must be a string or a Uint8Array');
  if (typeof scheme?.sign !== 'function') configError('signWebhook: scheme is not a webhook scheme');
  assertObject('signWebhook: options', options);
  const { id, timestamp } = options;
  if (id !== undefined && !(typeof id === 'string' && ID.test(id)))
    configError('signWebhook: id must be 1-256 printable ASCII characters');
  if (timestamp !== undefined && !(typeof timestamp === 'number' && timestamp >= 0 && timestamp < 1e11)) {
    configError('signWebhook: timestamp must be seconds since the epoch');
  }
  return scheme.sign(typeof body === 'string' ? utf8(body) : body, { ...options, now: Date.now() });
}
