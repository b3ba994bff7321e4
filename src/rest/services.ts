import { isIntegrationError } from '../errors/integration-error.js';
import { configError } from '../internal/config.js';
import { consecutive } from '../policies/breakers.js';
import { circuitBreaker } from '../policies/circuit-breaker.js';
import { compose } from '../policies/compose.js';
import { retry } from '../policies/retry.js';
import { createRestClient } from './client.js';
import type { HttpClientOptions, RestClient, RestClientOptions } from './types.js';

/** One service of {@link createServices}: client options plus its breaker settings. */
export interface ServiceOptions extends RestClientOptions {
  /**
   * The service's own circuit breaker (used when `policy` is not given); `false` for none.
   * @default { failures: 5, halfOpenAfter: 30000 }
   */
  breaker?: { failures?: number; halfOpenAfter?: number } | false;
  /** Attempts of the default retry (idempotent calls only). @default 3 */
  maxAttempts?: number;
}

/**
 * Options applied to every service unless the service sets its own (bus, logger, fetch, clock,
 * timeoutMs, headers, maxBodyBytes). `policy` and `rateLimit` are per service: a shared one
 * would make one failing service trip the others.
 */
export type SharedServiceOptions = Omit<HttpClientOptions, 'auth' | 'name' | 'policy' | 'rateLimit'>;

/** Retryable failures (5xx, 429, timeouts, network) count against a breaker; a 404 does not. */
const isFailure = (error: unknown) => !isIntegrationError(error) || error.retryable;

/**
 * One REST client per service, keyed by name. Unless a service brings its own `policy`, it gets
 * `retry` (idempotent calls) around its own circuit breaker named after the service, so one
 * failing service fails fast without opening the others.
 *
 * @example
 * ```ts
 * const services = createServices(
 *   {
 *     openai: { baseUrl: 'https://api.openai.com/v1', auth: bearer(process.env.OPENAI_API_KEY!), timeoutMs: 60_000 },
 *     retell: { baseUrl: 'https://api.retellai.com', auth: bearer(process.env.RETELL_API_KEY!) },
 *   },
 *   { bus },
 * );
 * const models = await services.openai.get('/models');
 * ```
 */
export function createServices<S extends Record<string, ServiceOptions>>(
  services: S,
  shared: SharedServiceOptions = {},
): { readonly [K in keyof S]: RestClient } {
  if (!services || typeof services !== 'object') configError('createServices needs a record of services');
  if (shared && ('policy' in shared || 'rateLimit' in shared)) {
    configError('createServices: set policy and rateLimit per service, not in the shared options');
  }
  const out: Record<string, RestClient> = {};
  for (const [name, service] of Object.entries(services)) {
    if (!service || typeof service !== 'object') configError(`service "${name}" needs options`);
    const { breaker, maxAttempts, ...rest } = service;
    const options: RestClientOptions = { ...shared, name, ...rest };
    if (options.policy === undefined) {
      const common = {
        name,
        ...(options.bus ? { bus: options.bus } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      };
      const retryPolicy = retry({
        ...common,
        maxAttempts: maxAttempts ?? 3,
        ...(options.logger ? { logger: options.logger } : {}),
      });
      options.policy =
        breaker === false
          ? retryPolicy
          : compose(
              retryPolicy,
              circuitBreaker({
                ...common,
                breaker: consecutive(breaker?.failures ?? 5),
                halfOpenAfter: breaker?.halfOpenAfter ?? 30_000,
                isFailure,
              }),
            );
    }
    out[name] = createRestClient(options);
  }
  return out as { readonly [K in keyof S]: RestClient };
}
