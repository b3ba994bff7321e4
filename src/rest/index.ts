/**
 * REST clients on ky: one client per service, auth helpers, safe URLs, retries from a policy,
 * typed errors, schema-validated responses and Server-Sent Event streams.
 *
 * @example
 * ```ts
 * import { bearer, createRestClient } from '@wawagot/integrations/rest';
 * const api = createRestClient({ baseUrl: 'https://api.example.com/v1', auth: bearer(process.env.API_TOKEN!) });
 * const items = await api.get('/items', { searchParams: { limit: 10 } });
 * ```
 * @module
 */
export { apiKeyHeader, basic, bearer } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { createRestClient } from './client.js';
export { createServices, type ServiceOptions, type SharedServiceOptions } from './services.js';
export type {
  Auth,
  CallMethod,
  HttpClientOptions,
  PathParam,
  RequestOptions,
  ResponseType,
  RestClient,
  RestClientOptions,
  ResultOf,
  SearchParams,
  SseEvent,
  StreamOptions,
} from './types.js';
