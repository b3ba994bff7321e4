const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number | null>, offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => b === null || bytes[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

// [mime, signature, offset]: null matches any byte.
const SIGNATURES: ReadonlyArray<[string, ReadonlyArray<number | null>, number?]> = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', ascii('GIF8')],
  ['image/webp', [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')]],
  ['image/bmp', [...ascii('BM'), null, null, null, null, 0, 0, 0, 0]],
  ['image/tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['image/tiff', [0x4d, 0x4d, 0x00, 0x2a]],
  ['image/x-icon', [0x00, 0x00, 0x01, 0x00]],
  ['audio/wav', [...ascii('RIFF'), null, null, null, null, ...ascii('WAVE')]],
  ['video/x-msvideo', [...ascii('RIFF'), null, null, null, null, ...ascii('AVI ')]],
  ['audio/mpeg', ascii('ID3')],
  ['audio/mpeg', [0xff, 0xfb]],
  ['audio/mpeg', [0xff, 0xf3]],
  ['audio/mpeg', [0xff, 0xf2]],
  ['audio/ogg', ascii('OggS')],
  ['audio/flac', ascii('fLaC')],
  ['audio/aac', [0xff, 0xf1]],
  ['video/webm', [0x1a, 0x45, 0xdf, 0xa3]],
  ['application/pdf', ascii('%PDF-')],
  ['application/zip', [0x50, 0x4b, 0x03, 0x04]],
  ['application/gzip', [0x1f, 0x8b]],
  ['application/wasm', [0x00, 0x61, 0x73, 0x6d]],
];

/** ISO-BMFF (`ftyp` box at offset 4): MP4/MOV video, M4A audio, HEIC/AVIF images. */
function isoType(bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === 'M4A ' || brand === 'M4B ') return 'audio/mp4';
  if (brand === 'qt  ') return 'video/quicktime';
  if (brand === 'avif') return 'image/avif';
  if (brand.startsWith('hei') || brand === 'mif1') return 'image/heic';
  return 'video/mp4';
}

function textType(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    // `stream: true` keeps a multi-byte character cut at the 1 MiB mark for a next call
    // instead of refusing it; anything else that is not UTF-8 throws.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 1 << 20), { stream: true });
  } catch {
    return undefined; // not UTF-8
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary data shows control characters.
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text)) return undefined;
  const trimmed = text.trimStart();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && bytes.length <= 1 << 20) {
    try {
      JSON.parse(text);
      return 'application/json';
    } catch {
      // Not JSON: plain text.
    }
  }
  if (/^<\?xml[\s>]/.test(trimmed)) return trimmed.includes('<svg') ? 'image/svg+xml' : 'application/xml';
  if (/^<svg[\s>]/i.test(trimmed)) return 'image/svg+xml';
  if (/^<!doctype html|^<html[\s>]/i.test(trimmed)) return 'text/html';
  return 'text/plain';
}

/**
 * Guesses a MIME type from content: magic bytes for common images, audio, video and
 * archives; then UTF-8 text (JSON, XML, SVG, HTML, plain); else `application/octet-stream`.
 *
 * @example
 * ```ts
 * sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // 'image/png'
 * ```
 */
export function sniffContentType(bytes: Uint8Array): string {
  for (const [type, signature, offset] of SIGNATURES) if (startsWith(bytes, signature, offset)) return type;
  return (
    isoType(bytes) ?? (bytes.length === 0 ? 'application/octet-stream' : textType(bytes)) ?? 'application/octet-stream'
  );
}
