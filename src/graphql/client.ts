import type { StandardSchemaV1 } from '@standard-schema/spec';
import type * as GraphQLRequest from 'graphql-request';
import { type GraphQLErrorEntry, GraphQLResponseError } from '../errors/graphql-response-error.js';
import { IntegrationError, isIntegrationError } from '../errors/integration-error.js';
import { assertObject, configError } from '../internal/config.js';
import { validateWith } from '../internal/schema.js';
import { httpErrorFrom } from '../rest/attempt.js';
import { readBoundedText } from '../rest/body.js';
import { buildHeaders, callTimeout, resolveCommon, runAttempt, runPolicy } from '../rest/transport.js';
import { parseBaseUrl, redact } from '../rest/url.js';
import type {
  BatchOperation,
  Document,
  GraphQLClient,
  GraphQLClientOptions,
  MutationOptions,
  OperationOptions,
} from './types.js';

/**
 * GraphQL-over-HTTP answers a document that fails to parse or validate with 400 (422 for some
 * servers) and an `errors` body: that is a GraphQL error. Any other non-2xx (401, 403, 404,
 * 429, 5xx, ...) is an `HttpError`, so status-based handling and retries work as for REST.
 */
const isClientStatus = (status: number) => status === 400 || status === 422;

type Outcome = { data: unknown } | { error: GraphQLResponseError };

function responseError(errors: ReadonlyArray<GraphQLErrorEntry>, data: unknown, url: string, status?: number) {
  const first = errors[0]?.message;
  return new GraphQLResponseError(`GraphQL error${errors.length > 1 ? 's' : ''}: ${first ?? 'unknown'}`, {
    errors,
    data,
    details: { url, count: errors.length, ...(status === undefined ? {} : { status }) },
  });
}

type RequestClient = GraphQLRequest.GraphQLClient;

/** Checks a call's options object and schema before anything is sent (`CONFIG`). */
function checkOptions(opts: { schema?: unknown } | null): void {
  assertObject('options', opts);
  if (opts.schema !== undefined && typeof (opts.schema as StandardSchemaV1)?.['~standard']?.validate !== 'function') {
    configError('schema must be a Standard Schema');
  }
}

// graphql-request (and graphql-js with it) is loaded on the first operation, not at import:
// it costs more to load than the rest of the SDK, and an app that never calls GraphQL skips it.
let library: Promise<typeof GraphQLRequest> | undefined;
const loadLibrary = () => {
  library ??= import('graphql-request');
  return library;
};

const mutationCache = new WeakMap<object, boolean>();
const stringCache = new Map<string, boolean>();

/** Whether a document is a mutation (parsed once per document). */
function isMutation(lib: typeof GraphQLRequest, document: Document): boolean {
  const cached = typeof document === 'string' ? stringCache.get(document) : mutationCache.get(document);
  if (cached !== undefined) return cached;
  const result = lib.analyzeDocument(document as never).isMutation;
  if (typeof document === 'string') {
    if (stringCache.size >= 500) stringCache.clear();
    stringCache.set(document, result);
  } else mutationCache.set(document, result);
  return result;
}

/**
 * A GraphQL client on graphql-request with the REST client's auth, policy, timeout, events and
 * typed errors. A response with `errors` throws `GraphQLResponseError` (not retryable, partial
 * `data` kept); transport failures throw `HttpError`, `TimeoutError`, `NetworkError` or
 * `AbortError`. Queries are retried by the policy; mutations only with `{ idempotent: true }`.
 *
 * @example
 * ```ts
 * import { createGraphQLClient } from '@wawagot/integrations/graphql';
 * import { bearer } from '@wawagot/integrations/rest';
 *
 * const graph = createGraphQLClient({ url: 'https://kg.example.com/graphql', auth: bearer(process.env.KG_TOKEN!) });
 * const { entity } = await graph.query<{ entity: { name: string } }>('query($id: ID!) { entity(id: $id) { name } }', { id: '42' });
 * ```
 */
export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  if (!options || typeof options !== 'object') configError('createGraphQLClient needs an options object');
  const endpoint = parseBaseUrl(options.url, 'url');
  // parseBaseUrl adds a trailing slash for path joining; the endpoint is used as given.
  const url = new URL(options.url);
  url.hash = '';
  const { safe: safeUrl, secrets: urlSecrets } = redact(url);
  const r = resolveCommon(options, endpoint.host);

  async function run(
    lib: typeof GraphQLRequest,
    send: (client: RequestClient) => Promise<unknown>,
    opts: OperationOptions<StandardSchemaV1 | undefined>,
    idempotent: boolean,
  ): Promise<unknown> {
    const timeoutMs = callTimeout(r, opts);
    const outcome: Outcome = await runPolicy(
      r.policy,
      async (ctx) => {
        const built = buildHeaders(r, opts.headers, urlSecrets);
        const { headers, secrets } = built instanceof Promise ? await built : built;
        const info = {
          method: 'POST',
          url: safeUrl,
          timeoutMs,
          callerSignal: opts.signal,
          policySignal: ctx.signal,
          ctx,
        };
        const transport = (input: URL | RequestInfo, init: RequestInit = {}) =>
          runAttempt(
            r,
            info,
            secrets,
            (signal) => {
              const merged = new Headers(init.headers);
              for (const k in headers) merged.set(k, headers[k] as string);
              return (r.options.fetch ?? fetch)(input, { ...init, headers: merged, signal });
            },
            async (response) => {
              if (!response.ok && !isClientStatus(response.status)) {
                throw await httpErrorFrom(response, info, r.clock.now(), secrets);
              }
              const text = await readBoundedText(response, r.maxBodyBytes, `POST ${safeUrl}`);
              if (!response.ok && !/"errors"\s*:/.test(text)) {
                const excerpt = new Response(text.slice(0, 8192), {
                  status: response.status,
                  headers: response.headers,
                });
                throw await httpErrorFrom(excerpt, info, r.clock.now(), secrets);
              }
              return new Response(text, { status: response.status, headers: response.headers });
            },
            false,
            true,
          );
        const client = new lib.GraphQLClient(url.href, { fetch: transport as typeof fetch, errorPolicy: 'all' });
        try {
          return { data: await send(client) };
        } catch (error) {
          if (isIntegrationError(error)) throw error;
          if (error instanceof lib.ClientError && Array.isArray(error.response.errors)) {
            const errors = error.response.errors as unknown as GraphQLErrorEntry[];
            return { error: responseError(errors, error.response.data, safeUrl, error.response.status) };
          }
          throw new IntegrationError(`POST ${safeUrl}: not a GraphQL response`, {
            code: 'INVALID_RESPONSE',
            cause: error,
            details: { url: safeUrl },
          });
        }
      },
      opts.signal,
      idempotent,
    );
    if ('error' in outcome) throw outcome.error;
    return outcome.data;
  }

  async function operation(
    document: Document,
    variables: Record<string, unknown> | undefined,
    opts: MutationOptions<StandardSchemaV1 | undefined>,
    mutation: boolean,
  ) {
    if (typeof document !== 'string' && (typeof document !== 'object' || document === null)) {
      configError('document must be a string or a DocumentNode');
    }
    checkOptions(opts);
    const lib = await loadLibrary();
    if (!mutation && isMutation(lib, document)) {
      throw new IntegrationError('query() was given a mutation; use mutate() so it is not retried unsafely', {
        code: 'UNSAFE_OPERATION',
      });
    }
    const result = (await run(
      lib,
      async (client) => {
        const raw = await client.rawRequest({ query: document as string, variables: variables as object });
        const errors = raw.errors as unknown as GraphQLErrorEntry[] | undefined;
        if (errors && errors.length > 0) return { __errors: errors, data: raw.data };
        return raw.data;
      },
      opts,
      !mutation || opts.idempotent === true,
    )) as { __errors?: GraphQLErrorEntry[]; data?: unknown } | undefined;
    if (result && typeof result === 'object' && '__errors' in result && result.__errors) {
      throw responseError(result.__errors, result.data, safeUrl);
    }
    return opts.schema ? validateWith(opts.schema, result, `GraphQL ${safeUrl} data`, { url: safeUrl }) : result;
  }

  async function batch(operations: ReadonlyArray<BatchOperation>, opts: MutationOptions = {}): Promise<unknown[]> {
    if (!Array.isArray(operations) || operations.length === 0)
      configError('batch needs a non-empty array of operations');
    checkOptions(opts);
    const lib = await loadLibrary();
    const idempotent = opts.idempotent === true || !operations.some((op) => isMutation(lib, op.document));
    const results = await run(
      lib,
      (client) =>
        client.batchRequests(
          operations.map((op) => ({ document: op.document as string, variables: op.variables as object })),
        ) as Promise<unknown>,
      opts,
      idempotent,
    );
    if (!Array.isArray(results) || results.length !== operations.length) {
      throw new IntegrationError(`POST ${safeUrl}: the server did not answer the batch with one result per operation`, {
        code: 'INVALID_RESPONSE',
        details: { url: safeUrl },
      });
    }
    const entries = results as Array<{ data?: unknown; errors?: GraphQLErrorEntry[] }>;
    const errors = entries.flatMap((e, index) =>
      (e.errors ?? []).map((err) => ({ ...err, extensions: { ...err.extensions, batchIndex: index } })),
    );
    const data = entries.map((e) => e.data);
    if (errors.length > 0) throw responseError(errors, data, safeUrl);
    return data;
  }

  return {
    name: r.name,
    query: (document, variables, opts = {}) => operation(document, variables, opts, false) as never,
    mutate: (document, variables, opts = {}) => operation(document, variables, opts, true) as never,
    batch,
  };
}
