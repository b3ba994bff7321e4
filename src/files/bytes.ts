import { IntegrationError } from '../errors/integration-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { assertNumber } from '../internal/config.js';
import type { FileData } from './types.js';

function tooLarge(maxBytes: number): never {
  throw new IntegrationError(`content is larger than maxBytes (${maxBytes})`, {
    code: 'PAYLOAD_TOO_LARGE',
    details: { maxBytes },
  });
}

/** Checks a `maxBytes` option (a non-negative integer); unlimited when not given. */
export function maxBytesOption(maxBytes: number | undefined): number {
  return maxBytes === undefined
    ? Number.POSITIVE_INFINITY
    : assertNumber('maxBytes', maxBytes, { min: 0, integer: true });
}

/**
 * Reads any {@link FileData} into one `Uint8Array` (a private copy), throwing
 * `PAYLOAD_TOO_LARGE` as soon as more than `maxBytes` arrive (streams are cancelled then).
 */
export async function toBytes(data: FileData, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = new TextEncoder().encode(data);
  // `new Uint8Array(view)` copies (a Node Buffer's `slice()` would share memory).
  else if (data instanceof Uint8Array) bytes = new Uint8Array(data);
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data.slice(0));
  else if (ArrayBuffer.isView(data))
    bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  else if (typeof Blob !== 'undefined' && data instanceof Blob) {
    if (data.size > maxBytes) tooLarge(maxBytes);
    bytes = new Uint8Array(await data.arrayBuffer());
  } else if (data && typeof (data as ReadableStream).getReader === 'function') {
    return readStream(data as ReadableStream<Uint8Array>, maxBytes);
  } else {
    const message = 'file content must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream';
    throw new ValidationError(message, { issues: [{ message }] });
  }
  if (bytes.byteLength > maxBytes) tooLarge(maxBytes);
  return bytes;
}

async function readStream(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value);
    size += chunk.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Lowercase hex SHA-256 via Web Crypto.
 *
 * @example
 * ```ts
 * await sha256Hex(new TextEncoder().encode('abc')); // 'ba7816bf...'
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A one-chunk Web stream over `bytes`. */
export function bytesToStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

const TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

/**
 * MIME type from a path's extension, else `application/octet-stream`.
 *
 * @example
 * ```ts
 * typeFromPath('docs/report.pdf'); // 'application/pdf'
 * ```
 */
export function typeFromPath(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
  return TYPES[ext] ?? 'application/octet-stream';
}

/**
 * Checks a caller-given content type (`type/subtype`, optional parameters, no control
 * characters) and throws `ValidationError` otherwise.
 *
 * @example
 * ```ts
 * checkContentType('text/plain; charset=utf-8'); // returned unchanged
 * ```
 */
export function checkContentType(type: unknown): string | undefined {
  if (type === undefined) return undefined;
  if (typeof type !== 'string' || !/^[\w.+-]+\/[\w.+-]+(\s*;[ -~]*)?$/.test(type) || type.length > 200) {
    const message = 'contentType must look like type/subtype';
    throw new ValidationError(message, { issues: [{ message }] });
  }
  return type;
}
