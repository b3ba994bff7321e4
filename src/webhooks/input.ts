import { configError } from '../internal/config.js';
import { concat, utf8 } from './encoding.js';
import { reject } from './scheme-helpers.js';
import type { WebhookMessage } from './types.js';

// Printable ASCII plus the optional whitespace (space, tab) HTTP allows around a value.
const PRINTABLE = /^[\t\x20-\x7e]*$/;
type Raw = string | readonly string[] | undefined | null;

/**
 * The message a scheme verifies: the body, the clock, and a case-insensitive header lookup over
 * a Fetch `Headers`, a plain object or pairs. A header given twice (two keys differing in case, a
 * `string[]` of several values, two pairs) or holding anything but printable ASCII throws
 * `malformed_signature` when a scheme reads it. (A Fetch `Headers` joins repeats with ", ",
 * which every scheme refuses as malformed.)
 */
export class Message implements WebhookMessage {
  declare readonly body: Uint8Array;
  declare readonly now: number;
  declare readonly toleranceSec: number;
  readonly #headers: unknown;
  constructor(body: Uint8Array, headers: unknown, now: number, toleranceSec: number) {
    if (headers === null || typeof headers !== 'object') configError('verifyWebhook: headers are required');
    this.body = body;
    this.#headers = headers;
    this.now = now;
    this.toleranceSec = toleranceSec;
  }
  header(name: string): string | undefined {
    const headers = this.#headers;
    let found: string | null | undefined;
    // Duck-typed: a Request from another fetch implementation (undici's package, a polyfill)
    // carries a Headers that is not this realm's class.
    if (typeof (headers as Headers).get === 'function') found = (headers as Headers).get(name);
    else {
      // Scanned on each lookup rather than copied: schemes read two or three headers.
      let seen = 0;
      const pairs = Array.isArray(headers) ? (headers as Array<[string, Raw]>) : undefined;
      const record = headers as Record<string, Raw>;
      const keys = pairs ?? Object.keys(record);
      for (let i = 0; i < keys.length; i++) {
        const key = pairs ? (pairs[i] as [string, Raw])[0] : (keys[i] as string);
        if (key.length !== name.length || key.toLowerCase() !== name) continue;
        const value = pairs ? (pairs[i] as [string, Raw])[1] : record[key];
        if (value == null) continue;
        seen += typeof value === 'string' ? 1 : value.length;
        found = typeof value === 'string' ? value : value[0];
      }
      if (seen > 1) reject('malformed_signature');
    }
    if (!found) return undefined;
    if (!PRINTABLE.test(found)) reject('malformed_signature');
    return found.trim() || undefined;
  }
}

/**
 * Reads a body stream into one buffer, refusing (`payload_too_large`) as soon as it passes
 * `maxBytes`: a declared `Content-Length` over the limit is refused before reading anything, and
 * the stream is cancelled at the first chunk past it.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!(+(request.headers.get('content-length') ?? 0) > maxBytes)) {
    for (let step = await reader?.read(); step && !step.done; step = await reader?.read()) {
      size += step.value.length;
      if (size > maxBytes) break;
      chunks.push(step.value);
    }
    if (size <= maxBytes) return concat(chunks, size);
  }
  reader?.cancel().catch(() => undefined);
  return reject('payload_too_large');
}

/** The raw body bytes of a `{ body, headers }` input. */
export function objectBody(input: { body?: unknown }, maxBytes: number): Uint8Array {
  const raw = input?.body;
  const body = typeof raw === 'string' ? utf8(raw) : raw;
  if (!(body instanceof Uint8Array)) configError('verifyWebhook: body must be a string or a Uint8Array');
  return body.length > maxBytes ? reject('payload_too_large') : body;
}
