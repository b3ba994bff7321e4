import { WebhookVerificationError, type WebhookVerificationReason } from '../errors/webhook-verification-error.js';
import { configError } from '../internal/config.js';
import { type DigestEncoding, utf8 } from './encoding.js';
import { equal, type HmacAlgorithm, type HmacKey, type HmacPart, hmacKey } from './hmac.js';
import type { SchemeResult, WebhookMessage } from './types.js';

/** Throws a {@link WebhookVerificationError}; messages never carry secrets or signatures. */
export function reject(reason: WebhookVerificationReason): never {
  throw new WebhookVerificationError(reason.replaceAll('_', ' '), { reason });
}

/** A lowercase hex SHA-256 digest. */
export const HEX_256 = /^[0-9a-f]{64}$/;
/** A canonical base64 SHA-256 digest (32 bytes: 43 characters and one `=`). */
export const BASE64_256 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

const DIGITS = /^\d{1,20}$/;

/** Parses a decimal timestamp header; `malformed_signature` unless it is 1–20 digits. */
export const parseTime = (value: string): number => (DIGITS.test(value) ? +value : reject('malformed_signature'));

/**
 * The timestamp a scheme signs in whole seconds: `timestamp`, or now. A fractional one is a
 * `CONFIG` error, since every verifier refuses it as `malformed_signature`.
 */
export function signedSeconds(timestamp: number | undefined, now: number): string {
  if (timestamp !== undefined && !Number.isInteger(timestamp))
    configError('signWebhook: timestamp must be whole seconds');
  return String(timestamp ?? Math.floor(now / 1000));
}

/** A header that must be present: `missing_signature` otherwise. */
export const need = (message: WebhookMessage, name: string): string =>
  message.header(name) ?? reject('missing_signature');

/**
 * Imports the secrets of a scheme. `undefined` and `''` entries are skipped (an unset
 * environment variable): a scheme without any key fails each delivery with `missing_secret`.
 * A value that is not a string, or that `decode` refuses, is a `CONFIG` error with the message
 * `invalid` (never the value).
 */
export function secretKeys(
  secret: unknown,
  encoding: DigestEncoding,
  decode: (value: string) => Uint8Array | undefined = utf8,
  algorithm: HmacAlgorithm = 'SHA-256',
  invalid = 'webhook secrets must be strings',
): HmacKey[] {
  const keys: HmacKey[] = [];
  for (const value of [secret].flat()) {
    if (value === undefined || value === '') continue;
    const bytes = typeof value === 'string' ? decode(value) : undefined;
    if (!bytes?.length) configError(invalid);
    keys.push(hmacKey(bytes, algorithm, encoding));
  }
  return keys;
}

/**
 * The first key (the one that signs), or `missing_secret` when the scheme has none: checked
 * first by every `verify` and `sign`.
 */
export const firstKey = (keys: readonly HmacKey[]): HmacKey => keys[0] ?? reject('missing_secret');

/**
 * Returns `result` when any key's HMAC of `parts` equals any candidate from index `at` on
 * (each compared in constant time, with no early exit), else throws `invalid_signature`
 * (`malformed_signature` without candidates). With `ms`, the signed time in milliseconds, a
 * valid signature whose time is further than the tolerance from now (either way) throws
 * `timestamp_out_of_range`: the signature is checked first. Synchronous on the Node engine, so
 * a whole verification runs without a promise hop; a promise on Web Crypto.
 */
export function verifyDigest(
  keys: readonly HmacKey[],
  parts: readonly HmacPart[],
  candidates: readonly string[],
  at: number,
  message: WebhookMessage,
  result: SchemeResult,
  ms?: number,
  digests: Array<string | Promise<string>> = [],
): SchemeResult | Promise<SchemeResult> {
  if (!candidates.length) reject('malformed_signature');
  if (!digests.length) for (const key of keys) digests.push(key(parts));
  // One engine per call: every digest is a string, or every one a promise (Web Crypto: check
  // again once they resolve).
  if (typeof digests[0] !== 'string')
    return Promise.all(digests).then((all) => verifyDigest(keys, parts, candidates, at, message, result, ms, all));
  let found = false;
  for (const digest of digests as string[])
    for (const candidate of candidates) found = equal(digest, candidate, at) || found;
  if (!found) reject('invalid_signature');
  if (ms !== undefined && !(Math.abs(message.now - ms) <= message.toleranceSec * 1000))
    reject('timestamp_out_of_range');
  return result;
}
