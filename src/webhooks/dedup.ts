/**
 * What `claim` found: `new` (this delivery now holds the id), `pending` (another delivery of the
 * same id is being processed) or `done` (the id was accepted before).
 */
export type DedupClaim = 'new' | 'pending' | 'done';

/**
 * Remembers delivery ids so a retried webhook is processed once. An id is only remembered as
 * `done` after its delivery was accepted: a delivery whose processing fails is released, so the
 * sender's retry is processed instead of being dropped as a duplicate.
 */
export interface WebhookDedupStore {
  /** Atomically claims `key` for a delivery in progress (expires after `pendingMs`). */
  claim(key: string): Promise<DedupClaim>;
  /** Marks `key` accepted, remembered for `ttlMs`. */
  commit(key: string): Promise<void>;
  /** Forgets a claim after a failure, so the next delivery of the id is processed. */
  release(key: string): Promise<void>;
}

/** Options shared by the dedup stores. */
export interface DedupOptions {
  /** How long an accepted id is remembered. Cover the sender's retry window. @default 259200000 (72 h) */
  ttlMs?: number;
  /**
   * How long a claim of a delivery in progress lasts; after a crash mid-processing the id is
   * free again once it expires. @default 60000
   */
  pendingMs?: number;
}

/** Default `ttlMs`: 72 hours, Stripe's retry window. */
export const DEFAULT_DEDUP_TTL_MS = 72 * 3_600_000;
