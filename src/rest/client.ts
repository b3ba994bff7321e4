import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { KyInstance, Options as KyOptions } from 'ky';
import { assertObject, configError } from '../internal/config.js';
import { validateWith } from '../internal/schema.js';
import { parseJson, readBounded, readBoundedText } from './body.js';
import { prepareCall, sendCall } from './request-body.js';
import { openStream } from './stream.js';
import { resolveCommon } from './transport.js';
import type { RequestOptions, RestClient, RestClientOptions, StreamOptions } from './types.js';
import { createResolver, parseBaseUrl, redact } from './url.js';

const RESPONSE_TYPES = new Set(['json', 'text', 'bytes', 'response']);
/** An HTTP method token, minus those `fetch` refuses. */
const METHOD = /^(?!(connect|trace|track)$)[\w!#$%&'*+.^`|~-]+$/i;

/** Sends one attempt through ky. */
export type HttpSend = (url: string, options: KyOptions) => Promise<Response>;

// ky is loaded on the first request, not at import: evaluating it probes `Request`, which makes
// Node load its whole fetch implementation — a cost that belongs to the first call, not to
// every process that merely imports the SDK.
let kyModule: Promise<typeof import('ky')> | undefined;
const loadKy = () => {
  kyModule ??= import('ky');
  return kyModule;
};

/**
 * A REST client for one service, built on ky: safe paths under `baseUrl`, auth per attempt,
 * a per-attempt timeout, retries from `policy` only (ky's own retry and timeout are off),
 * typed errors, bounded bodies, optional Standard Schema validation and `http.*` events.
 *
 * @example
 * ```ts
 * import { createRestClient, bearer } from '@wawagot/integrations/rest';
 * import { z } from 'zod';
 *
 * const api = createRestClient({ baseUrl: 'https://api.example.com/v1', auth: bearer(process.env.API_TOKEN!) });
 * const user = await api.get('/users/:id', { params: { id: 42 }, schema: z.object({ id: z.number(), name: z.string() }) });
 * await api.post('/orders', { json: { sku: 'A1' }, idempotencyKey: true }); // retried safely
 * ```
 */
export function createRestClient(options: RestClientOptions): RestClient {
  if (!options || typeof options !== 'object') configError('createRestClient needs an options object');
  const base = parseBaseUrl(options.baseUrl);
  const r = resolveCommon(options, base.host);
  let instance: KyInstance | undefined;
  const http: HttpSend = async (url, init) => {
    instance ??= (await loadKy()).default.create({
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    return instance(url, init);
  };

  const resolve = createResolver(base);

  async function send(method: string, path: string, opts: RequestOptions<StandardSchemaV1 | undefined> = {}) {
    assertObject('options', opts);
    const responseType = opts.responseType ?? 'json';
    if (!RESPONSE_TYPES.has(responseType)) configError(`responseType must be json, text, bytes or response`);
    if (opts.schema !== undefined) {
      if (typeof opts.schema?.['~standard']?.validate !== 'function') configError('schema must be a Standard Schema');
      if (responseType !== 'json') configError('schema needs responseType json');
    }
    const target = resolve(path, opts.params, opts.searchParams);
    const call = prepareCall(r, method, target, opts, responseType === 'json' ? 'application/json' : undefined);
    const safeUrl = target.safe;
    const where = `${method} ${safeUrl}`;
    const result = await sendCall(
      r,
      http,
      call,
      opts,
      async (response) => {
        if (responseType === 'response') return response;
        if (responseType === 'bytes') return readBounded(response, r.maxBodyBytes, where);
        const text = await readBoundedText(response, r.maxBodyBytes, where);
        return responseType === 'text'
          ? text
          : parseJson(text, where, { method, url: safeUrl, status: response.status });
      },
      responseType === 'response',
    );
    if (opts.schema) {
      return validateWith(opts.schema, result, `${where} response`, { method, url: safeUrl });
    }
    return result;
  }

  const call = (method: string) => (path: string, opts?: RequestOptions<StandardSchemaV1 | undefined>) =>
    send(method, path, opts);

  async function request(method: string, path: string, opts?: RequestOptions<StandardSchemaV1 | undefined>) {
    if (typeof method !== 'string' || !METHOD.test(method)) {
      configError('method must be an HTTP token, not CONNECT, TRACE or TRACK');
    }
    return send(method.toUpperCase(), path, opts);
  }

  return {
    name: r.name,
    baseUrl: redact(base).safe,
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
    request,
    stream: (path: string, opts: StreamOptions = {}) => openStream(r, resolve, http, path, opts),
  } as RestClient;
}
