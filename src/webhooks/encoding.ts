const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Text of UTF-8 `bytes` (invalid sequences become U+FFFD). */
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Lowercase hex of `bytes`. */
export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');

/** Bytes of a hex string, or `undefined` when it is not hex (uppercase only when `anyCase`). */
export function fromHex(hex: string, anyCase?: boolean): Uint8Array | undefined {
  if (hex.length % 2) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = nibble(hex.charCodeAt(2 * i), anyCase);
    const low = nibble(hex.charCodeAt(2 * i + 1), anyCase);
    if ((high | low) < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

// '0'-'9' → 0-9, 'a'-'f' (and 'A'-'F' when `anyCase`) → 10-15, anything else → -1.
const nibble = (c: number, anyCase?: boolean): number =>
  c > 47 && c < 58 ? c - 48 : c > 96 && c < 103 ? c - 87 : anyCase && c > 64 && c < 71 ? c - 55 : -1;

/** Standard base64 of `bytes`. */
export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let b64Table: Int8Array | undefined;

/**
 * Bytes of a canonical, padded standard-base64 string, or `undefined`. Non-canonical spellings
 * (missing padding, whitespace, stray low bits) are refused so a signature has one spelling.
 * (Hand-written: Node 20's `atob` costs more than the HMAC of a 2 kB body.)
 */
export function fromBase64(b64: string): Uint8Array | undefined {
  if (b64.length % 4) return undefined;
  if (!b64Table) {
    b64Table = new Int8Array(128).fill(-1);
    for (let i = 0; i < 64; i++) b64Table[B64.charCodeAt(i)] = i;
  }
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((b64.length / 4) * 3 - pad);
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < b64.length - pad; i++) {
    const v = b64Table[b64.charCodeAt(i)] ?? -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = acc >> bits;
    }
  }
  return acc & ((1 << bits) - 1) ? undefined : out;
}

/** `parts` joined into one array (the array itself when there is one part). */
export function concat(parts: readonly Uint8Array[], size = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
