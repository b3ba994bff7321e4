import { configError } from '../internal/config.js';
import { signWebhook } from '../webhooks/sign.js';
import type { WebhookScheme } from '../webhooks/types.js';

/** Options of {@link webhookRequest}. */
export interface WebhookRequestOptions {
  /** Absolute URL, or a path resolved against `http://localhost`. @default `/webhooks/<scheme name>` */
  url?: string;
  /** Delivery id, for schemes that sign one (Standard Webhooks, GitHub, Shopify). */
  id?: string;
  /** Signed timestamp in seconds since the epoch (Stripe, Slack, Standard Webhooks, Retell). @default now */
  timestamp?: number;
  /** Extra headers; they override the defaults but never the signature headers. */
  headers?: Record<string, string>;
}

/**
 * A signed `Request` that passes `scheme`'s verification, ready for `router.fetch(request)` or a
 * framework's test client. `body` is sent as given when it is a string or bytes, else as JSON.
 * The signature covers exactly those bytes: change the body afterwards and it answers 401.
 *
 * @example
 * ```ts
 * const scheme = stripe({ secret: 'whsec_test' });
 * const router = createWebhookRouter({ routes: { '/webhooks/stripe': { scheme, event: 'stripe.event' } }, bus });
 * const res = await router.fetch(await webhookRequest(scheme, { id: 'evt_1', type: 'charge.succeeded' }));
 * expect(res.status).toBe(202);
 * ```
 */
export async function webhookRequest(
  scheme: WebhookScheme,
  body: unknown,
  options: WebhookRequestOptions = {},
): Promise<Request> {
  if (typeof scheme?.sign !== 'function') configError('webhookRequest needs a scheme such as stripe({ secret })');
  const raw: string | Uint8Array =
    typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body === undefined ? null : body);
  let url: URL;
  try {
    url = new URL(options.url ?? `/webhooks/${scheme.name}`, 'http://localhost');
  } catch {
    return configError(`webhookRequest: invalid url "${String(options.url)}"`);
  }
  const signOptions: { id?: string; timestamp?: number } = {};
  if (options.id !== undefined) signOptions.id = options.id;
  if (options.timestamp !== undefined) signOptions.timestamp = options.timestamp;
  const signature = await signWebhook(raw, scheme, signOptions);
  const isText = typeof raw === 'string';
  const looksJson = isText ? /^\s*[[{"]/.test(raw) || raw.trim() === 'null' : false;
  const headers = new Headers({
    'content-type': looksJson ? 'application/json' : isText ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    ...options.headers,
  });
  for (const [name, value] of Object.entries(signature)) headers.set(name, value);
  return new Request(url, { method: 'POST', headers, body: raw as BodyInit });
}
