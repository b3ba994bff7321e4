import type { StandardSchemaV1 } from '@standard-schema/spec';

/** A secret, or several during a rotation: a delivery signed with any one of them passes. */
export type WebhookSecret = string | readonly string[];

/** What `verifyWebhook` accepts: a Fetch `Request`, or the raw body with its headers. */
export type WebhookInput =
  | Request
  | {
      /** The exact bytes received (a string is encoded as UTF-8). Never re-serialised JSON. */
      body: string | Uint8Array;
      /** A Fetch `Headers`, a plain object (any header case, Node's `string[]` values) or pairs. */
      headers: HeadersInit | Record<string, string | readonly string[] | undefined>;
    };

/** A verified delivery. */
export interface VerifiedWebhook<T = unknown> {
  /** Delivery id when the scheme carries one (`webhook-id`, `X-GitHub-Delivery`, Stripe's event id, ...). */
  id?: string;
  /** Signed timestamp in seconds since the epoch, when the scheme carries one. */
  timestamp?: number;
  /**
   * The body parsed as JSON when it is JSON, else the text. A getter parsing on first access:
   * `{ ...webhook }` leaves it out, `JSON.stringify(webhook)` includes it.
   */
  readonly payload: T;
  /** The exact bytes that were verified. */
  raw: Uint8Array;
}

/** What a scheme reads from a delivery. */
export interface WebhookMessage {
  body: Uint8Array;
  /** A header's value; throws `malformed_signature` when repeated or not printable ASCII. */
  header(name: string): string | undefined;
  /** Current time in milliseconds since the epoch. */
  now: number;
  /** Allowed clock skew in seconds. */
  toleranceSec: number;
}

/** What a scheme's `verify` finds in a valid delivery. */
export interface SchemeResult {
  id?: string | undefined;
  timestamp?: number | undefined;
}

/** Options of `signWebhook`. */
export interface SignWebhookOptions {
  /** Delivery id, for schemes that sign one. @default crypto.randomUUID() based */
  id?: string;
  /**
   * Timestamp in whole seconds since the epoch (`retell` signs milliseconds: a fraction down to
   * the millisecond is kept). @default now
   */
  timestamp?: number;
}

/**
 * One signature scheme. Built by `standardWebhooks`, `stripe`, `github`, `shopify`, `slack`,
 * `retell` or `hmac`; implement it to support another provider.
 */
export interface WebhookScheme {
  /** Scheme name, used in events (`standard-webhooks`, `stripe`, ...). */
  readonly name: string;
  /**
   * Returns (or resolves with) the delivery's id/timestamp; throws (or rejects with)
   * `WebhookVerificationError`.
   */
  verify(message: WebhookMessage): SchemeResult | Promise<SchemeResult>;
  /** Headers that make `body` pass `verify` (signed with the first secret). */
  sign(body: Uint8Array, options: SignWebhookOptions & { now: number }): Promise<Record<string, string>>;
  /** True when the delivery id is the payload's `id` field (Stripe events). */
  readonly payloadId?: boolean;
}

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /** Allowed distance between the signed timestamp and now, in seconds. @default 300 */
  toleranceSec?: number;
  /** The current time (ms since the epoch or a `Date`). @default Date.now() */
  now?: number | Date;
  /** Largest body read from a `Request`, in bytes (`payload_too_large` beyond). @default 1048576 */
  maxBodyBytes?: number;
}

export type { StandardSchemaV1 };
