import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DocumentNode } from 'graphql';
import type { HttpClientOptions } from '../rest/types.js';

/** GraphQL variables. */
export type Variables = Record<string, unknown>;

/**
 * A parsed document that carries its result and variables types (what GraphQL Code Generator
 * emits); structurally the same as `@graphql-typed-document-node/core`'s.
 */
export interface TypedDocumentNode<Result = Record<string, unknown>, V = Variables> extends DocumentNode {
  /** Type-only marker carrying the result and variables types; never set at runtime. */
  __apiType?: (variables: V) => Result;
}

/** A document: a string, a parsed `DocumentNode`, or a typed one. */
export type Document<Result = unknown, V = Variables> = string | DocumentNode | TypedDocumentNode<Result, V>;

/** Options of {@link createGraphQLClient}. */
export interface GraphQLClientOptions extends HttpClientOptions {
  /** Absolute http(s) URL of the GraphQL endpoint. */
  url: string;
}

/** Options of one operation. */
export interface OperationOptions<S extends StandardSchemaV1 | undefined = undefined> {
  signal?: AbortSignal;
  headers?: HeadersInit;
  /** Validates (and types) `data`; failure throws `ValidationError`. */
  schema?: S;
  /** Overrides the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of `mutate` and `batch`. */
export interface MutationOptions<S extends StandardSchemaV1 | undefined = undefined> extends OperationOptions<S> {
  /** Lets the policy retry this mutation (it is safe to run twice). @default false */
  idempotent?: boolean;
}

/** One operation of a batch. */
export interface BatchOperation {
  document: Document;
  variables?: Variables;
}

/** Result of an operation: the schema's output, else the typed document's result. */
export type DataOf<R, S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : R;

/** A GraphQL client bound to one endpoint. */
export interface GraphQLClient {
  readonly name: string;
  /** Runs a query (retried by the policy) and resolves to its `data`. */
  query<R = any, V extends Variables = Variables, S extends StandardSchemaV1 | undefined = undefined>(
    document: Document<R, V>,
    variables?: V,
    options?: OperationOptions<S>,
  ): Promise<DataOf<R, S>>;
  /** Runs a mutation (retried only with `idempotent: true`) and resolves to its `data`. */
  mutate<R = any, V extends Variables = Variables, S extends StandardSchemaV1 | undefined = undefined>(
    document: Document<R, V>,
    variables?: V,
    options?: MutationOptions<S>,
  ): Promise<DataOf<R, S>>;
  /**
   * Sends several operations in one HTTP request (array body), for servers that support
   * batching; resolves to their `data` in order. Retried when it holds no mutation (or with
   * `idempotent: true`).
   */
  batch(operations: ReadonlyArray<BatchOperation>, options?: MutationOptions): Promise<unknown[]>;
}
