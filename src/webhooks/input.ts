import { configError } from '../internal/config.js';
import { concat } from './encoding.js';
import { reject } from './scheme-helpers.js';
import type { WebhookMessage } from './types.js';

// Printable ASCII plus the optional whitespace (space, tab) HTTP allows around a value.
const PRINTABLE = /^[\t\x20-\x7e]*$/;
type Raw = string | readonly string[] | undefined | null;

/** What verifyWebhook hands a scheme: the message and the headers it reads them from. */
export interface Message extends WebhookMessage {
  headers: object;
}

/**
 * `WebhookMessage.header`: a header's value, looked up case-insensitively in the message's
 * `headers`, a Fetch `Headers`, a plain object or pairs. A header given twice (two keys
 * differing in case, a `string[]` of several values, two pairs) or holding anything but
 * printable ASCII throws `malformed_signature`. (A Fetch `Headers` joins repeats with ", ",
 * which every scheme refuses as malformed.) Scanned on each lookup rather than copied: schemes
 * read two or three headers.
 */
export function header(this: Message, name: string): string | undefined {
  const headers = this.headers;
  let found: string | null | undefined;
  // Duck-typed: a Request from another fetch implementation (undici's package, a polyfill)
  // carries a Headers that is not this realm's class.
  if (typeof (headers as Headers).get === 'function') found = (headers as Headers).get(name);
  else {
    const pairs = Array.isArray(headers);
    // Own keys only (pairs: their indices): inherited or prototype-added properties are no headers.
    for (const k of Object.keys(headers)) {
      let key: unknown = k;
      let value = (headers as Record<string, Raw>)[k];
      if (pairs) {
        // Indexed, not destructured: an entry that is no pair (a number, null) is skipped, not a TypeError.
        const pair = value as unknown as Record<number, unknown> | null;
        key = pair?.[0];
        value = pair?.[1] as Raw;
      }
      if (value == null || typeof key !== 'string' || key.length !== name.length || key.toLowerCase() !== name)
        continue;
      // Node's string[] values: one is fine, several are a repeat. (Not [value].flat(): slow in V8.)
      if (found !== undefined || (typeof value !== 'string' && value.length > 1)) reject('malformed_signature');
      found = typeof value === 'string' ? value : value[0];
    }
  }
  if (!found) return undefined;
  // A value that is no string (a number in a `string[]`, a custom `get`) is as malformed as a control character.
  if (typeof found !== 'string' || !PRINTABLE.test(found)) reject('malformed_signature');
  return found.trim() || undefined;
}

/**
 * Reads a body stream into one buffer, refusing (`payload_too_large`) as soon as it passes
 * `maxBytes`: a declared `Content-Length` over the limit is refused before reading anything, and
 * the stream is cancelled at the first chunk past it. A body already read (or locked by another
 * reader) is a `CONFIG` error.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  // A used or locked stream cannot be read again (getReader would throw a TypeError).
  if (request.bodyUsed || request.body?.locked)
    configError('verifyWebhook: the request body was already read (verify before parsing it)');
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  // The declared length first (0 without one, NaN when unparsable: read and count), then the
  // bytes actually read.
  let size = +(request.headers.get('content-length') as string);
  if (!(size > maxBytes))
    for (size = 0; ; ) {
      const step = await reader?.read();
      if (!step || step.done) return concat(chunks);
      size += step.value.length;
      if (size > maxBytes) break;
      chunks.push(step.value);
    }
  reader?.cancel().catch(() => undefined);
  return reject('payload_too_large');
}
