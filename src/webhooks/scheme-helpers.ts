import { WebhookVerificationError, type WebhookVerificationReason } from '../errors/webhook-verification-error.js';
import { configError } from '../internal/config.js';
import { utf8 } from './encoding.js';
import { type HmacAlgorithm, type HmacKey, hmacKey } from './hmac.js';
import type { WebhookMessage } from './types.js';

/** Throws a {@link WebhookVerificationError}; messages never carry secrets or signatures. */
export function reject(reason: WebhookVerificationReason, message: string = reason.replaceAll('_', ' ')): never {
  throw new WebhookVerificationError(message, { reason });
}

const DIGITS = /^\d{1,20}$/;

/** Parses a decimal timestamp header; `malformed_signature` unless it is 1–20 digits. */
export function parseTime(value: string): number {
  if (!DIGITS.test(value)) reject('malformed_signature', 'malformed timestamp');
  return Number(value);
}

/** `timestamp_out_of_range` when `ms` is further than the tolerance from now (either way). */
export function checkTime(ms: number, message: WebhookMessage): void {
  if (!(Math.abs(message.now - ms) <= message.toleranceSec * 1000)) reject('timestamp_out_of_range');
}

/** A header that must be present: `missing_signature` otherwise. */
export function need(message: WebhookMessage, name: string): string {
  return message.header(name) ?? reject('missing_signature', `missing ${name} header`);
}

/**
 * Imports the secrets of a scheme. `undefined` and `''` entries are skipped (an unset
 * environment variable): a scheme without any key fails each delivery with `missing_secret`.
 * A value that is not a string, or that `decode` refuses, is a `CONFIG` error.
 */
export function secretKeys(
  scheme: string,
  secret: unknown,
  decode: (value: string) => Uint8Array | undefined = utf8,
  algorithm: HmacAlgorithm = 'SHA-256',
): HmacKey[] {
  const keys: HmacKey[] = [];
  for (const value of Array.isArray(secret) ? secret : [secret]) {
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') configError(`${scheme}: the secret must be a string or an array of strings`);
    const bytes = decode(value);
    if (!bytes?.length) configError(`${scheme}: a secret is not in the expected format`);
    keys.push(hmacKey(bytes, algorithm));
  }
  return keys;
}

/** The key to sign with (the first secret), or `missing_secret`. */
export function signingKey(keys: readonly HmacKey[]): HmacKey {
  return keys[0] ?? reject('missing_secret');
}

/**
 * Returns (or resolves) when any key's HMAC of `parts` equals any candidate; throws
 * `invalid_signature` otherwise. Stays synchronous on the Node engine.
 */
export function verifyDigest(
  keys: readonly HmacKey[],
  parts: readonly Uint8Array[],
  candidates: readonly Uint8Array[],
): void | Promise<void> {
  if (!candidates.length) reject('malformed_signature');
  for (let i = 0; i < keys.length; i++) {
    const matched = (keys[i] as HmacKey).match(parts, candidates);
    if (typeof matched !== 'boolean') return verifyRest(keys, i, matched, parts, candidates);
    if (matched) return;
  }
  reject('invalid_signature');
}

async function verifyRest(
  keys: readonly HmacKey[],
  from: number,
  first: Promise<boolean>,
  parts: readonly Uint8Array[],
  candidates: readonly Uint8Array[],
): Promise<void> {
  if (await first) return;
  for (let i = from + 1; i < keys.length; i++) if (await (keys[i] as HmacKey).match(parts, candidates)) return;
  reject('invalid_signature');
}

/** `missing_secret` when a scheme has no key. */
export function needKeys(keys: readonly HmacKey[]): void {
  if (!keys.length) reject('missing_secret');
}
