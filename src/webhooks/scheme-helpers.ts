import { WebhookVerificationError, type WebhookVerificationReason } from '../errors/webhook-verification-error.js';
import { configError } from '../internal/config.js';
import { utf8 } from './encoding.js';
import { type HmacAlgorithm, type HmacKey, type HmacPart, hmacKey } from './hmac.js';
import type { WebhookMessage } from './types.js';

/** Throws a {@link WebhookVerificationError}; messages never carry secrets or signatures. */
export function reject(reason: WebhookVerificationReason): never {
  throw new WebhookVerificationError(reason.replaceAll('_', ' '), { reason });
}

const DIGITS = /^\d{1,20}$/;

/** Parses a decimal timestamp header; `malformed_signature` unless it is 1–20 digits. */
export const parseTime = (value: string): number => (DIGITS.test(value) ? +value : reject('malformed_signature'));

/** `timestamp_out_of_range` when `ms` is further than the tolerance from now (either way). */
export function checkTime(ms: number, message: WebhookMessage): void {
  if (!(Math.abs(message.now - ms) <= message.toleranceSec * 1000)) reject('timestamp_out_of_range');
}

/** A header that must be present: `missing_signature` otherwise. */
export const need = (message: WebhookMessage, name: string): string =>
  message.header(name) ?? reject('missing_signature');

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
    const bytes = typeof value === 'string' ? decode(value) : undefined;
    if (!bytes?.length) configError(`${scheme}: invalid secret`);
    keys.push(hmacKey(bytes, algorithm));
  }
  return keys;
}

/** The key to sign with (the first secret), or `missing_secret`. */
export const signingKey = (keys: readonly HmacKey[]): HmacKey => keys[0] ?? reject('missing_secret');

/** `missing_secret` when a scheme has no key. */
export function needKeys(keys: readonly HmacKey[]): void {
  if (!keys.length) reject('missing_secret');
}

/**
 * Calls `done` when any key's HMAC of `parts` equals any candidate, else throws
 * `invalid_signature` (`malformed_signature` without candidates). Synchronous on the Node
 * engine, so a whole verification runs without a promise hop; a promise on Web Crypto.
 */
export function verifyDigest<R>(
  keys: readonly HmacKey[],
  parts: readonly HmacPart[],
  candidates: readonly Uint8Array[],
  done: () => R,
): R | Promise<R> {
  if (!candidates.length) reject('malformed_signature');
  let pending: Promise<boolean>[] | undefined;
  let found = false;
  for (const key of keys) {
    const result = key.match(parts, candidates);
    if (typeof result === 'boolean') found ||= result;
    else if (pending) pending.push(result);
    else pending = [result];
  }
  if (found) return done();
  if (!pending) reject('invalid_signature');
  return Promise.all(pending).then((all) => (all.includes(true) ? done() : reject('invalid_signature')));
}
