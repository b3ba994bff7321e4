/**
 * Verify and sign webhooks over their raw bytes with Web Crypto (Standard Webhooks/Svix,
 * Stripe, GitHub, Shopify, Slack, Retell AI, generic HMAC), and serve them through a router with
 * de-duplication that publishes on the bus. Runs on Node, Deno, Bun and edge runtimes.
 *
 * @example
 * ```ts
 * import { createWebhookRouter, retell } from '@wawagot/integrations/webhooks';
 * const router = createWebhookRouter({
 *   routes: { '/webhooks/retell-ai': { scheme: retell({ apiKey: env.RETELL_API_KEY }), event: 'call.event' } },
 *   bus,
 * });
 * export default { fetch: router.fetch };
 * ```
 * @module
 */

export {
  isWebhookVerificationError,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from '../errors/webhook-verification-error.js';
export type { DedupClaim, DedupOptions, WebhookDedupStore } from './dedup.js';
export type { HmacAlgorithm } from './hmac.js';
export { type MemoryDedupOptions, memoryDedup } from './memory-dedup.js';
export { type DedupRedisClient, type RedisDedupOptions, redisDedup } from './redis-dedup.js';
export {
  createWebhookRouter,
  type WebhookBus,
  type WebhookRoute,
  type WebhookRouter,
  type WebhookRouterOptions,
} from './router.js';
export { type GitHubOptions, github } from './schemes/github.js';
export { type HmacSchemeOptions, hmac } from './schemes/hmac.js';
export { type RetellOptions, retell } from './schemes/retell.js';
export { type ShopifyOptions, shopify } from './schemes/shopify.js';
export { type SlackOptions, slack } from './schemes/slack.js';
export { type StandardWebhooksOptions, standardWebhooks } from './schemes/standard-webhooks.js';
export { type StripeOptions, stripe } from './schemes/stripe.js';
export { signWebhook } from './sign.js';
export type {
  SchemeResult,
  SignWebhookOptions,
  VerifiedWebhook,
  VerifyWebhookOptions,
  WebhookInput,
  WebhookMessage,
  WebhookScheme,
  WebhookSecret,
} from './types.js';
export { verifyWebhook } from './verify.js';
