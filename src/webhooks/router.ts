import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { PublishOptions } from '../bus/types.js';
import { isWebhookVerificationError } from '../errors/webhook-verification-error.js';
import { assertMethods, assertNumber, configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Logger } from '../types.js';
import type { WebhookDedupStore } from './dedup.js';
import type { VerifiedWebhook, WebhookScheme } from './types.js';
import { verifyWebhook } from './verify.js';

/** A bus the router publishes into: any `createBus()` bus fits. */
export interface WebhookBus {
  /** Publishes `data` as an event of `type`. */
  publish(type: string, data: unknown, options?: PublishOptions): Promise<unknown>;
}

/** One webhook endpoint. */
export interface WebhookRoute<S extends StandardSchemaV1 = StandardSchemaV1> {
  /** How deliveries are signed. */
  scheme: WebhookScheme;
  /** Any Standard Schema (zod, valibot, arktype): a payload that fails it gets 400. */
  schema?: S;
  /** Bus event type published with the (validated) payload as data, the delivery id as envelope id. */
  event?: string;
  /** Runs for each accepted delivery before the 202; a throw answers 500 so the sender retries. */
  handler?: (webhook: VerifiedWebhook<StandardSchemaV1.InferOutput<S>>, request: Request) => unknown;
  /** Allowed clock skew of signed timestamps, in seconds. @default 300 */
  toleranceSec?: number;
  /** Overrides the router's `maxBodyBytes` for this route. */
  maxBodyBytes?: number;
}

/** Options of {@link createWebhookRouter}. */
export interface WebhookRouterOptions {
  /** Routes by exact URL path, e.g. `'/webhooks/retell-ai'`. */
  routes: Record<string, WebhookRoute>;
  /** Remembers delivery ids: a redelivered id answers 200 and is not published again. */
  dedup?: WebhookDedupStore;
  /** Receives `webhook.received`, `webhook.rejected` and each route's `event`. */
  bus?: WebhookBus;
  /** Largest body accepted, in bytes (413 beyond, as soon as the stream passes it). @default 1048576 */
  maxBodyBytes?: number;
  /** Logs failures (never secrets nor signatures). */
  logger?: Logger;
}

/** A Fetch handler serving webhook routes. */
export interface WebhookRouter {
  /** Answers one request (any path: unknown ones get 404); rejects with `CONFIG` when given no `Request`. */
  fetch(request: Request): Promise<Response>;
}

/** Calls a collaborator: a synchronous throw becomes a rejection, a plain value a resolution. */
const settle = async (call: () => unknown) => call();

const reply = (status: number, body: string, headers?: Record<string, string>) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/**
 * Serves webhook endpoints from any Fetch runtime: 404 unknown path, 405 not POST, 413 too
 * large, 401 bad signature (body `invalid signature`, nothing more), 400 schema failure (500
 * when the validator itself throws or returns no result), 200 duplicate (not published again),
 * 409 same id in progress, 202 accepted and published.
 * Options are checked here, once: a route without a scheme, a `schema` that is not a Standard
 * Schema, an `event` that is not a non-empty string, a `handler` that is not a function, or a
 * `dedup`, `bus` or `logger` without its methods throws a `CONFIG` error.
 *
 * @example
 * ```ts
 * const router = createWebhookRouter({
 *   routes: { '/webhooks/retell-ai': { scheme: retell({ apiKey: env.RETELL_API_KEY }), event: 'retell.call' } },
 *   dedup: memoryDedup(),
 *   bus,
 * });
 * export default { fetch: router.fetch };
 * ```
 */
export function createWebhookRouter(options: WebhookRouterOptions): WebhookRouter {
  const { dedup, bus, logger } = options ?? {};
  // Collaborators and routes are checked once here, so a delivery never meets a TypeError.
  assertMethods('dedup', dedup, ['claim', 'commit', 'release']);
  assertMethods('bus', bus, ['publish']);
  assertMethods('logger', logger, ['warn', 'error']);
  const maxBodyBytes = assertNumber('maxBodyBytes', options?.maxBodyBytes ?? 1_048_576, {
    min: 0,
    integer: true,
  });
  const routes = new Map<string, WebhookRoute>();
  for (const [path, route] of Object.entries(options?.routes ?? {})) {
    const name = `webhook route "${path}"`;
    if (!path.startsWith('/')) configError(`${name} must start with "/"`);
    if (typeof route?.scheme?.verify !== 'function') configError(`${name} needs a scheme`);
    const { schema, event, handler } = route;
    if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function')
      configError(`${name}: schema must be a Standard Schema`);
    if (event !== undefined && !(typeof event === 'string' && event))
      configError(`${name}: event must be a non-empty string`);
    if (handler !== undefined && typeof handler !== 'function') configError(`${name}: handler must be a function`);
    if (route.toleranceSec !== undefined) assertNumber('toleranceSec', route.toleranceSec);
    if (route.maxBodyBytes !== undefined) assertNumber('maxBodyBytes', route.maxBodyBytes, { integer: true });
    routes.set(path, route);
  }
  if (routes.size === 0) configError('createWebhookRouter: routes must name at least one path');

  const rejected = (route: string, reason: string, status: number, headers?: Record<string, string>, body?: string) => {
    settle(() => bus?.publish('webhook.rejected', { route, reason, status })).catch(() => undefined);
    return reply(status, body ?? TEXT[status] ?? 'error', headers);
  };

  async function fetch(request: Request): Promise<Response> {
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch {
      configError('router.fetch: pass a Request');
    }
    const route = routes.get(path);
    if (!route) return reply(404, 'not found');
    if (request.method !== 'POST') return rejected(path, 'method_not_allowed', 405, { allow: 'POST' });

    let webhook: VerifiedWebhook;
    try {
      webhook = await verifyWebhook(request, route.scheme, {
        maxBodyBytes: route.maxBodyBytes ?? maxBodyBytes,
        toleranceSec: route.toleranceSec ?? 300,
      });
    } catch (error) {
      // Options were checked at creation: anything else is a body stream that failed mid-way.
      if (!isWebhookVerificationError(error)) return rejected(path, 'body_unreadable', 400, undefined, 'bad request');
      const status = error.reason === 'payload_too_large' ? 413 : error.reason === 'missing_secret' ? 500 : 401;
      if (status === 500) logger?.error({ route: path, reason: error.reason }, 'webhook route has no secret');
      return rejected(path, error.reason, status, status === 413 ? { connection: 'close' } : undefined);
    }

    let payload = webhook.payload;
    if (route.schema) {
      let result: StandardSchemaV1.Result<unknown> | undefined;
      try {
        const validated = route.schema['~standard'].validate(payload);
        result = validated instanceof Promise ? await validated : validated;
      } catch (error) {
        logger?.error({ route: path, id: webhook.id, error: errorInfo(error) }, 'webhook schema failed');
      }
      // A validator that throws or returns no result is a bug here, not a bad delivery: 500, so
      // the sender retries.
      if (typeof result !== 'object' || !result) return rejected(path, 'processing_failed', 500);
      if (result.issues) return rejected(path, 'invalid_payload', 400);
      payload = result.value;
    }

    const key = dedup && webhook.id !== undefined ? `${path} ${webhook.id}` : undefined;
    if (dedup && key) {
      let claim: Awaited<ReturnType<WebhookDedupStore['claim']>>;
      try {
        claim = await dedup.claim(key);
      } catch (error) {
        logger?.error({ route: path, error: errorInfo(error) }, 'webhook dedup store failed');
        return rejected(path, 'dedup_unavailable', 503, { 'retry-after': '5' });
      }
      if (claim === 'done') return rejected(path, 'duplicate', 200);
      if (claim === 'pending') return rejected(path, 'in_progress', 409, { 'retry-after': '5' });
    }

    try {
      await route.handler?.({ ...webhook, payload }, request);
      if (bus && route.event)
        await bus.publish(route.event, payload, webhook.id === undefined ? undefined : { id: webhook.id });
    } catch (error) {
      if (dedup && key) await settle(() => dedup.release(key)).catch(() => undefined);
      logger?.error({ route: path, id: webhook.id, error: errorInfo(error) }, 'webhook delivery failed');
      return rejected(path, 'processing_failed', 500);
    }
    if (dedup && key) {
      // The delivery was processed: a failed commit can only let a later redelivery through.
      await settle(() => dedup.commit(key)).catch((error: unknown) => {
        logger?.warn({ route: path, id: webhook.id, error: errorInfo(error) }, 'webhook dedup commit failed');
      });
    }
    const received: Record<string, string> = { route: path, scheme: route.scheme.name };
    if (webhook.id !== undefined) received.id = webhook.id;
    if (route.event) received.event = route.event;
    await settle(() => bus?.publish('webhook.received', received)).catch((error: unknown) => {
      logger?.warn({ route: path, error: errorInfo(error) }, 'webhook.received could not be published');
    });
    return reply(202, 'accepted');
  }

  return { fetch };
}

const TEXT: Record<number, string> = {
  200: 'duplicate',
  400: 'invalid payload',
  401: 'invalid signature',
  405: 'method not allowed',
  409: 'delivery in progress',
  413: 'payload too large',
  500: 'internal error',
  503: 'service unavailable',
};
