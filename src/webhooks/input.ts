import { AbortError } from '../errors/abort-error.js';
import { configError } from '../internal/config.js';
import { utf8 } from './encoding.js';
import { reject } from './scheme-helpers.js';

// Printable ASCII plus the optional whitespace (space, tab) HTTP allows around a value.
const PRINTABLE = /^[\t\x20-\x7e]*$/;
type Raw = string | readonly string[] | undefined | null;

/**
 * A case-insensitive header lookup over a Fetch `Headers`, a plain object or pairs. A header
 * given twice (two keys differing in case, a `string[]` of several values, two pairs) or holding
 * anything but printable ASCII throws `malformed_signature` when a scheme reads it.
 */
export function headerReader(headers: unknown): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => clean(headers.get(name));
  const pairs = Array.isArray(headers);
  if (!pairs && (headers === null || typeof headers !== 'object')) {
    configError('verifyWebhook: headers must be a Headers, an object or an array of pairs');
  }
  // Scanned on each lookup rather than copied into a Map: schemes read two or three headers.
  const list = pairs ? (headers as Array<[string, Raw]>) : Object.entries(headers as Record<string, Raw>);
  if (pairs && !list.every((pair) => Array.isArray(pair) && pair.length === 2)) {
    configError('verifyWebhook: header pairs must be [name, value] arrays');
  }
  return (name) => {
    let found: string | undefined;
    let seen = 0;
    for (let i = 0; i < list.length; i++) {
      const [key, value] = list[i] as [string, Raw];
      if (value == null || key.length !== name.length || String(key).toLowerCase() !== name) continue;
      seen += typeof value === 'string' ? 1 : value.length;
      found = typeof value === 'string' ? value : value[0];
    }
    if (seen > 1) reject('malformed_signature', `repeated ${name} header`);
    return clean(found);
  };
}

function clean(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!PRINTABLE.test(value)) reject('malformed_signature', 'header is not printable ASCII');
  return value.trim() || undefined;
}

/**
 * Reads a body stream into one buffer, refusing (`payload_too_large`) as soon as it passes
 * `maxBytes`: a declared `Content-Length` over the limit is refused before reading anything, and
 * the stream is cancelled at the first chunk past it.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    request.body?.cancel().catch(() => undefined);
    reject('payload_too_large');
  }
  if (request.bodyUsed) configError('verifyWebhook: the request body was already read');
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (cause) {
      throw new AbortError('the request body could not be read', { cause });
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => undefined);
      reject('payload_too_large');
    }
    chunks.push(step.value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** The raw body bytes and header lookup of a `{ body, headers }` input. */
export function readObject(
  input: unknown,
  maxBytes: number,
): { body: Uint8Array; header: (name: string) => string | undefined } {
  const raw = (input as { body?: unknown } | null)?.body;
  const body = typeof raw === 'string' ? utf8(raw) : raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
  if (!(body instanceof Uint8Array)) configError('verifyWebhook: body must be a string or a Uint8Array');
  if (body.byteLength > maxBytes) reject('payload_too_large');
  return { body, header: headerReader((input as { headers: unknown }).headers) };
}
