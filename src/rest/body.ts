import { IntegrationError } from '../errors/integration-error.js';

/**
 * Default `maxBodyBytes` of the REST and GraphQL clients: 10 MiB.
 *
 * @example
 * ```ts
 * const files = createRestClient({ baseUrl, maxBodyBytes: 8 * DEFAULT_MAX_BODY_BYTES }); // 80 MiB exports
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

function tooLarge(max: number, where: string): IntegrationError {
  return new IntegrationError(`${where}: response body exceeds maxBodyBytes (${max})`, {
    code: 'PAYLOAD_TOO_LARGE',
    details: { maxBodyBytes: max },
  });
}

/**
 * Reads at most `max` bytes of a body. A declared `content-length` above the limit fails before
 * reading; otherwise the stream is read chunk by chunk and cancelled as soon as the limit is
 * passed, so an oversized (or decompressed) body is never buffered whole.
 */
export async function readBounded(response: Response, max: number, where: string): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge(max, where);
  }
  const body = response.body;
  if (!body) return new Uint8Array(0);
  // Fast path: an uncompressed body of known, acceptable length (fetch enforces the length).
  if (declared !== null && !response.headers.has('content-encoding')) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        void reader.cancel().catch(() => {});
        throw tooLarge(max, where);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return join(chunks, total);
}

/** `chunks` (of `total` bytes) as one array; the chunk itself when there is one. */
function join(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const decoder = /* @__PURE__ */ new TextDecoder();

/** Like {@link readBounded}, decoded as UTF-8 (BOM stripped, invalid bytes replaced). */
export function readBoundedText(response: Response, max: number, where: string): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) <= max && response.body && !response.headers.has('content-encoding')) {
    return response.text();
  }
  return readBounded(response, max, where).then(decodeText);
}

/** Decodes UTF-8 (BOM stripped, invalid bytes replaced). */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Parses JSON text; empty text is `undefined`; bad JSON throws `INVALID_RESPONSE`. */
export function parseJson(text: string, where: string, details: Record<string, unknown>): unknown {
  if (text.length === 0 || /^\s*$/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new IntegrationError(`${where}: response is not valid JSON`, { code: 'INVALID_RESPONSE', cause, details });
  }
}

/**
 * Reads the start of an error body (8 KB, so a secret straddling the 1 KB cut can still be
 * scrubbed before the excerpt is cut to 1 KB), then cancels the rest. Never throws.
 */
export async function readExcerpt(response: Response): Promise<string | undefined> {
  const body = response.body;
  if (!body) return undefined;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < 8192) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // A broken error body still yields the status; the excerpt is best effort.
  } finally {
    void reader.cancel().catch(() => {});
  }
  if (total === 0) return undefined;
  return decoder.decode(join(chunks, total).subarray(0, 8192));
}
