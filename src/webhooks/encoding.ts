const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Text of UTF-8 `bytes` (invalid sequences become U+FFFD). */
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

function nibble(c: number, upper: boolean): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return upper && c >= 65 && c <= 70 ? c - 55 : -1;
}

/** Bytes of a hex string, or `undefined` when it is not hex (uppercase only when `upper`). */
export function fromHex(hex: string, upper = false): Uint8Array | undefined {
  if (hex.length % 2) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i), upper);
    const lo = nibble(hex.charCodeAt(2 * i + 1), upper);
    if (hi < 0 || lo < 0) return undefined;
    out[i] = hi * 16 + lo;
  }
  return out;
}

/** Standard base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Bytes of a canonical, padded standard-base64 string, or `undefined`. Non-canonical forms
 * (missing padding, whitespace, stray low bits) are refused so a signature has one spelling.
 */
export function fromBase64(b64: string): Uint8Array | undefined {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return toBase64(out) === b64 ? out : undefined;
}
