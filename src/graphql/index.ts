/**
 * A GraphQL client on graphql-request with the REST client's auth, policies, timeouts, events
 * and typed errors (`GraphQLResponseError` for responses with `errors`).
 *
 * @example
 * ```ts
 * import { createGraphQLClient } from '@wawagot/integrations/graphql';
 * const graph = createGraphQLClient({ url: 'https://kg.example.com/graphql' });
 * const data = await graph.query('{ entities(first: 5) { id name } }');
 * ```
 * @module
 */
export { createGraphQLClient } from './client.js';
export type {
  BatchOperation,
  DataOf,
  Document,
  GraphQLClient,
  GraphQLClientOptions,
  MutationOptions,
  OperationOptions,
  TypedDocumentNode,
  Variables,
} from './types.js';
