import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/** A GraphQL error entry as sent by the server. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

/** Options of {@link GraphQLResponseError}. */
export interface GraphQLResponseErrorOptions extends IntegrationErrorOptions {
  errors: ReadonlyArray<GraphQLErrorEntry>;
  /** Partial data returned beside the errors, if any. */
  data?: unknown;
}

/**
 * A GraphQL response carried an `errors` array. Not retryable; `data` holds any partial result.
 *
 * @example
 * ```ts
 * if (isGraphQLResponseError(error)) console.log(error.errors[0]?.message, error.data);
 * ```
 */
export class GraphQLResponseError extends IntegrationError {
  override name = 'GraphQLResponseError';
  declare readonly errors: ReadonlyArray<GraphQLErrorEntry>;
  declare readonly data: unknown;
  constructor(message: string, options: GraphQLResponseErrorOptions) {
    const { errors, data, ...rest } = options;
    super(message, { ...rest, retryable: false, code: rest.code ?? 'GRAPHQL' });
    this.errors = errors;
    this.data = data;
  }
}

/** True when `value` is a {@link GraphQLResponseError}, across realms. */
export const isGraphQLResponseError: (value: unknown) => value is GraphQLResponseError =
  /* @__PURE__ */ guardFor<GraphQLResponseError>('GraphQLResponseError');
