const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Text of UTF-8 `bytes` (invalid sequences become U+FFFD). */
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** How a digest is written: its name for `node:crypto`, and an encoder for Web Crypto's bytes. */
export interface DigestEncoding {
  name: 'hex' | 'base64';
  encode(bytes: Uint8Array): string;
}

/** Lowercase hex. */
export const HEX: DigestEncoding = {
  name: 'hex',
  encode: (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
};

/** Standard padded base64. */
export const BASE64: DigestEncoding = { name: 'base64', encode: (bytes) => btoa(String.fromCharCode(...bytes)) };

/**
 * Bytes of a base64 secret, or `undefined` when it is not base64. Only secrets are decoded (once,
 * when a scheme is created): signatures are compared in their encoded form.
 */
export function fromBase64(b64: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** `parts` joined into one array, strings encoded as UTF-8. */
export function concat(parts: readonly (Uint8Array | string)[]): Uint8Array<ArrayBuffer> {
  const arrays = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(arrays.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of arrays) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
