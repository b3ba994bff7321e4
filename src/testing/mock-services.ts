import { IntegrationError } from '../errors/integration-error.js';
import { systemClock } from '../internal/clock.js';
import { configError } from '../internal/config.js';
import { sleep } from '../internal/sleep.js';
import type { Clock } from '../types.js';
import type { MockCall, MockReply, MockReplyFn, MockScript, MockStep } from './replies.js';

/** One mocked REST service: its base URL and a script per `'METHOD /path'` route. */
export interface MockRestService {
  baseUrl: string;
  /** Keys are `'GET /users/:id'`-style routes relative to `baseUrl` (msw path syntax). */
  routes: Record<string, MockScript>;
}

/** One mocked GraphQL endpoint: a script per operation name. */
export interface MockGraphQLService {
  graphql: string;
  /** Keys are operation names; replies carry `json: { data }` or `json: { errors }`. */
  operations: Record<string, MockScript>;
}

/** Options of {@link mockServices}. */
export interface MockServicesOptions {
  /** Clock the `delay()` / `delayMs` waits run on: a test clock makes a slow service cost no real time. @default systemClock */
  clock?: Clock;
}

/** The handlers and controls returned by {@link mockServices}. */
export interface MockServices {
  /** msw request handlers: pass to `setupServer(...handlers)` or `server.use(...handlers)`. */
  handlers: unknown[];
  /** Requests received by a service's route (`'POST /chat/completions'`) or GraphQL operation. */
  calls(service: string, route?: string): MockCall[];
  /** Rewinds every script and forgets recorded calls. */
  reset(): void;
}

interface Script {
  steps: MockStep[];
  index: number;
  used: number;
}

function toSteps(script: MockScript): MockStep[] {
  const list: ReadonlyArray<MockStep | MockReply | MockReplyFn> = Array.isArray(script)
    ? script
    : [script as MockStep | MockReply | MockReplyFn];
  if (list.length === 0) configError('a mocked route needs at least one reply');
  return list.map((s) =>
    typeof s === 'object' && s !== null && 'reply' in s && 'times' in s
      ? (s as MockStep)
      : { reply: s as MockReply | MockReplyFn, times: Number.POSITIVE_INFINITY },
  );
}

function nextReply(script: Script): MockReply | MockReplyFn {
  let step = script.steps[script.index] as MockStep;
  while (script.used >= step.times && script.index < script.steps.length - 1) {
    script.index++;
    script.used = 0;
    step = script.steps[script.index] as MockStep;
  }
  script.used++;
  return step.reply;
}

async function toCall(request: Request): Promise<MockCall> {
  const url = new URL(request.url);
  const text = request.body ? await request.clone().text() : '';
  let body: unknown = text === '' ? undefined : text;
  if (text && (request.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
  }
  return {
    method: request.method,
    url: request.url,
    path: url.pathname,
    headers: Object.fromEntries(request.headers),
    body,
  };
}

async function respond(reply: MockReply | MockReplyFn, call: MockCall, clock: Clock): Promise<Response> {
  const r = typeof reply === 'function' ? await reply(call) : reply;
  if (r instanceof Response) return r;
  if (r.delayMs) await sleep(r.delayMs, undefined, clock, true);
  const headers = new Headers(r.headers);
  let body: string | null = null;
  if (r.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(r.json);
  } else if (r.text !== undefined) {
    body = r.text;
  }
  return new Response(body, { status: r.status ?? 200, headers });
}

/**
 * Stand-ins for REST and GraphQL services as msw handlers, with scripted replies and faults
 * (`fail(503, { times: 2, retryAfter: 1 })`, `delay(ms)`) and call assertions. Needs `msw` 2
 * (an optional peer), loaded on first use.
 *
 * @example
 * ```ts
 * const services = await mockServices({
 *   openai: { baseUrl: 'https://api.openai.test/v1', routes: {
 *     'POST /chat/completions': [fail(503, { times: 2, retryAfter: 1 }), { json: { choices: [] } }] } },
 * });
 * const server = setupServer(...services.handlers); server.listen();
 * // ... exercise the app ...
 * expect(services.calls('openai', 'POST /chat/completions')).toHaveLength(3);
 * ```
 */
export async function mockServices(
  definitions: Record<string, MockRestService | MockGraphQLService>,
  options: MockServicesOptions = {},
): Promise<MockServices> {
  const clock = options.clock ?? systemClock;
  if (typeof clock?.setTimeout !== 'function') configError('mockServices: clock must be a Clock');
  let msw: typeof import('msw');
  try {
    msw = await import('msw');
  } catch (cause) {
    throw new IntegrationError('mockServices needs the "msw" package (npm install -D msw)', { code: 'CONFIG', cause });
  }
  const scripts = new Map<string, Script>();
  const calls = new Map<string, MockCall[]>();
  const handlers: unknown[] = [];
  const record = (key: string, call: MockCall) => {
    const list = calls.get(key) ?? [];
    list.push(call);
    calls.set(key, list);
  };

  for (const [service, def] of Object.entries(definitions)) {
    if ('graphql' in def) {
      const link = msw.graphql.link(def.graphql);
      for (const [operation, script] of Object.entries(def.operations)) {
        const key = `${service}\u0000${operation}`;
        scripts.set(key, { steps: toSteps(script), index: 0, used: 0 });
        handlers.push(
          link.operation(async ({ request, operationName }) => {
            if (operationName !== operation) return undefined;
            const call = await toCall(request);
            record(key, call);
            return respond(nextReply(scripts.get(key) as Script), call, clock);
          }),
        );
      }
      continue;
    }
    let base: URL;
    try {
      base = new URL(def.baseUrl);
    } catch (cause) {
      throw new IntegrationError(`mockServices: "${service}" has an invalid baseUrl`, { code: 'CONFIG', cause });
    }
    for (const [route, script] of Object.entries(def.routes)) {
      const match = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\/\S*)$/.exec(route);
      if (!match) configError(`mockServices: route "${route}" must look like "POST /chat/completions"`);
      const [, method, path] = match as unknown as [string, string, string];
      const key = `${service}\u0000${route}`;
      scripts.set(key, { steps: toSteps(script), index: 0, used: 0 });
      const url = `${base.origin}${base.pathname.replace(/\/$/, '')}${path}`;
      const factory = msw.http[method.toLowerCase() as 'get'];
      handlers.push(
        factory(url, async ({ request }) => {
          const call = await toCall(request);
          record(key, call);
          return respond(nextReply(scripts.get(key) as Script), call, clock);
        }),
      );
    }
  }

  return {
    handlers,
    calls(service, route) {
      if (route !== undefined) return [...(calls.get(`${service}\u0000${route}`) ?? [])];
      return [...calls.entries()].filter(([k]) => k.startsWith(`${service}\u0000`)).flatMap(([, v]) => v);
    },
    reset() {
      calls.clear();
      for (const script of scripts.values()) {
        script.index = 0;
        script.used = 0;
      }
    },
  };
}
