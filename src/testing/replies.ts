/** A scripted HTTP reply of a mocked service. */
export interface MockReply {
  status?: number;
  /** JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** Text body. */
  text?: string;
  headers?: Record<string, string>;
  /** Wait this long before replying. */
  delayMs?: number;
}

/** What a mocked request looks like to a reply function and to `calls()`. */
export interface MockCall {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body when the request sent JSON, else its text (undefined without body). */
  body: unknown;
}

/** A reply computed per request. */
export type MockReplyFn = (call: MockCall) => MockReply | Response | Promise<MockReply | Response>;

/** One step of a route's script: used for `times` calls, then the next step takes over. */
export interface MockStep {
  readonly reply: MockReply | MockReplyFn;
  readonly times: number;
}

/** A route's behaviour: a reply, a reply function, or a list of steps played in order (the last repeats). */
export type MockScript = MockReply | MockReplyFn | MockStep | ReadonlyArray<MockStep | MockReply | MockReplyFn>;

/**
 * A step that fails with `status` for `times` calls (default 1), optionally with `Retry-After`
 * in seconds.
 *
 * @example
 * ```ts
 * mockServices({ openai: { baseUrl, routes: { 'POST /chat/completions': [fail(503, { times: 2, retryAfter: 1 }), { json: completion }] } } });
 * ```
 */
export function fail(status: number, options: { times?: number; retryAfter?: number; json?: unknown } = {}): MockStep {
  const headers: Record<string, string> = {};
  if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
  return {
    reply: { status, headers, json: options.json ?? { error: { message: `mocked failure ${status}` } } },
    times: options.times ?? 1,
  };
}

/**
 * A reply that arrives after `ms` (for timeout tests), for `times` calls (default: every call).
 *
 * @example
 * ```ts
 * routes: { 'GET /slow': delay(5_000, { json: { ok: true } }) }
 * ```
 */
export function delay(
  ms: number,
  reply: MockReply = { status: 200, json: {} },
  options: { times?: number } = {},
): MockStep {
  return { reply: { ...reply, delayMs: ms }, times: options.times ?? Number.POSITIVE_INFINITY };
}
