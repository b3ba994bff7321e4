import { configError } from '../../internal/config.js';
import { BASE64, HEX } from '../encoding.js';
import type { HmacAlgorithm } from '../hmac.js';
import { firstKey, need, reject, secretKeys, verifyDigest } from '../scheme-helpers.js';
import type { WebhookScheme, WebhookSecret } from '../types.js';

/** Options of {@link hmac}. */
export interface HmacSchemeOptions {
  /** Header carrying the signature, e.g. `x-signature`. */
  header: string;
  /** Hash function. @default 'SHA-256' */
  algorithm?: HmacAlgorithm;
  /** How the digest is written (hex in either case). @default 'hex' */
  encoding?: 'hex' | 'base64';
  /** Text before the digest, e.g. `sha256=`. @default '' */
  prefix?: string;
  /** Header carrying the delivery id, if the sender sends one. */
  idHeader?: string;
  /** The shared secret(s). */
  secret: WebhookSecret;
}

const LENGTHS: Record<HmacAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 };
// The last base64 character before 0, 1 or 2 `=`: with padding, its low 2 or 4 bits are zero.
const BEFORE_PAD = ['[A-Za-z0-9+/]', '[AEIMQUYcgkosw048]', '[AQgw]'];

// An HTTP header name (RFC 9110 token): one with a space or a colon is never received.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** A valid header name, lowercased; a `CONFIG` error otherwise. */
function headerName(option: string, name: unknown): string {
  if (!(typeof name === 'string' && TOKEN.test(name))) configError(`hmac: ${option} must be a valid header name`);
  return name.toLowerCase();
}

/**
 * Any "HMAC of the body in one header" scheme (automation services, internal senders).
 * A `header` or `idHeader` that is not a valid header name (a space, a colon, a line break), an
 * unknown `algorithm` or `encoding`, or a `prefix` that is not printable ASCII throws `CONFIG`.
 *
 * @example
 * ```ts
 * const scheme = hmac({ header: 'x-n8n-signature', prefix: 'sha256=', secret: process.env.N8N_SECRET });
 * const { payload } = await verifyWebhook(request, scheme);
 * ```
 */
export function hmac(options: HmacSchemeOptions): WebhookScheme {
  const { algorithm = 'SHA-256', encoding = 'hex', prefix = '' } = options ?? {};
  // Lowercase: plain-object headers are matched against lowercase names.
  const header = headerName('header', options?.header);
  const idHeader = options?.idHeader === undefined ? undefined : headerName('idHeader', options.idHeader);
  // Own keys only: `LENGTHS.toString` is no algorithm.
  const length = Object.hasOwn(LENGTHS, algorithm) ? LENGTHS[algorithm] : 0;
  if (!length) configError('hmac: algorithm must be SHA-256, SHA-512 or SHA-1');
  if (encoding !== 'hex' && encoding !== 'base64') configError('hmac: encoding must be hex or base64');
  if (!(typeof prefix === 'string' && PRINTABLE.test(prefix))) configError('hmac: prefix must be printable ASCII');
  const hex = encoding === 'hex';
  // The digest's exact shape: lowercase hex, or canonical base64 (its padding, and a last
  // character before it that carries no stray bits).
  const pad = (3 - (length % 3)) % 3;
  const shape = new RegExp(
    hex
      ? `^[0-9a-f]{${length * 2}}$`
      : `^[A-Za-z0-9+/]{${Math.ceil(length / 3) * 4 - pad - 1}}${BEFORE_PAD[pad]}={${pad}}$`,
  );
  const keys = secretKeys(options.secret, hex ? HEX : BASE64, undefined, algorithm);
  return {
    name: 'hmac',
    verify(m) {
      firstKey(keys);
      const signature = need(m, header);
      // Hex in either case is the same digest.
      const digest = hex ? signature.slice(prefix.length).toLowerCase() : signature.slice(prefix.length);
      if (!signature.startsWith(prefix) || !shape.test(digest)) reject('malformed_signature');
      return verifyDigest(keys, [m.body], [digest], 0, m, { id: idHeader ? m.header(idHeader) : undefined });
    },
    async sign(body, { id }) {
      const headers: Record<string, string> = { [header]: prefix + (await firstKey(keys)([body])) };
      if (idHeader && id !== undefined) headers[idHeader] = id;
      return headers;
    },
  };
}
