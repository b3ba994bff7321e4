import type { Envelope } from '../bus/types.js';
import type { Clock, Logger } from '../types.js';

/**
 * One bus event as a realtime client receives it, over SSE (`data:` of a topic event) or
 * WebSocket (one text message).
 *
 * `id` is the hub's own position id, `<epoch>-<seq>`: `seq` grows by one for every bus event
 * the hub keeps, `epoch` is random per hub instance. It is what `Last-Event-ID` and
 * `lastEventId` carry; it is not the bus envelope's UUID.
 *
 * @example
 * ```ts
 * for await (const message of connectSSE('/events')) {
 *   if (message.topic !== undefined) console.log(message.topic, message.type, message.data);
 * }
 * ```
 */
export interface RealtimeMessage<D = unknown> {
  /** Hub position id (`<epoch>-<seq>`), used for replay. */
  id: string;
  /** The hub topic this client receives the event under. */
  topic: string;
  /** The bus event type, e.g. `workflow.step_completed`. */
  type: string;
  /** The bus event's data. */
  data: D;
  /** ISO-8601 time of the bus event. */
  time: string;
}

/**
 * A control message: never has a `topic`.
 * - `reset`: the requested `Last-Event-ID` is older than the replay buffer (or from another
 *   hub instance); events were missed and the client should reload its state.
 * - `overflow`: the client read too slowly; pending events were dropped and the server closes
 *   the connection. Reconnecting with the last id replays what the buffer still holds.
 */
export type RealtimeControl =
  | { type: 'reset'; topic?: undefined; reason: 'too_old' | 'unknown_id'; lastEventId?: string }
  | { type: 'overflow'; topic?: undefined };

/** What a realtime client receives: events (with `topic`) and control messages (without). */
export type RealtimeItem<D = unknown> = RealtimeMessage<D> | RealtimeControl;

/** What `authorize` returns: `false` refuses (401), otherwise the topics this client may receive. */
export type AuthorizeResult = false | { topics: readonly string[] };

/**
 * Decides, before anything is sent, whether a request may connect and to which topics.
 *
 * @example
 * ```ts
 * const authorize: Authorize = async (request) => {
 *   const user = await users.fromSession(request.headers.get('cookie'));
 *   return user ? { topics: ['ai_progress', 'voice_call_status'] } : false;
 * };
 * ```
 */
export type Authorize = (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;

/** What the hub needs from a bus: any `Bus` created by `createBus` fits. */
export interface RealtimeSource {
  /** Registers a handler for every event; returns the unsubscribe function. */
  subscribe(type: '*', handler: (envelope: Envelope) => void): () => void;
}

/** Options of {@link createRealtimeHub}. */
export interface RealtimeHubOptions {
  /** The bus whose events are pushed. The hub subscribes with `'*'`. */
  bus: RealtimeSource;
  /**
   * Topic name → bus event patterns: exact types (`workflow.completed`) or prefixes
   * (`workflow.*`), or `'*'` for every event. Names use letters, digits, `_`, `-`, `.`, `:`.
   * @default { all: ['*'] }
   * @example { ai_progress: ['ai.*'], automation_status: ['workflow.*', 'queue.*'] }
   */
  topics?: Record<string, readonly string[]>;
  /** How many recent events the replay buffer keeps (0 disables replay). @default 1000 */
  replay?: number;
  /** Interval of SSE heartbeat comments, in ms. @default 15000 */
  heartbeatMs?: number;
  /** `retry:` sent once to SSE clients: their reconnect delay, in ms. @default 2000 */
  retryMs?: number;
  /** Events a client may have queued before it is cut off with `overflow`. @default 1000 */
  maxQueue?: number;
  /** Refuses a request (401) or narrows its topics. Default: every topic, no check. */
  authorize?: Authorize;
  /** Time source for heartbeats. @default systemClock */
  clock?: Clock;
  /** Logs authorization failures and overflows. */
  logger?: Logger;
}

/** Options of `hub.sse()`. */
export interface SseOptions {
  /**
   * Restricts this endpoint to these configured topics (further narrowed by the client and
   * `authorize`); an unknown one throws `CONFIG`.
   */
  topics?: readonly string[];
}

/** Options of `hub.subscribe()`. */
export interface SubscribeOptions {
  /** Topics to start with: configured topic names (an unknown one throws `CONFIG`). */
  topics: readonly string[];
  /** Replay the events after this id (from the buffer) before live ones. */
  lastEventId?: string | undefined;
  /** Receives every event; `json` is the message already serialised. */
  onMessage(message: RealtimeMessage, json: string): void;
  /** Receives `reset` when `lastEventId` cannot be honoured. */
  onControl?(message: RealtimeControl): void;
  /** Called once when the hub closes. */
  onClose?(): void;
}

/**
 * A live subscription of one client (used by transports such as the WebSocket bridge).
 *
 * @example
 * ```ts
 * const sub = hub.subscribe({ topics: ['ai_progress'], onMessage: (_m, json) => socket.send(json) });
 * sub.add(['automation_status'], lastEventId); // replays what was missed on that topic
 * sub.close();
 * ```
 */
export interface Subscription {
  /**
   * Adds topics (configured names; an unknown one throws `CONFIG`); with `lastEventId`, replays
   * their missed events first. Returns those newly added.
   */
  add(topics: readonly string[], lastEventId?: string): string[];
  /** Removes topics; names it does not hold (or that do not exist) are ignored. */
  remove(topics: readonly string[]): void;
  /** Current topics. */
  readonly topics: readonly string[];
  /** Stops delivery; idempotent. */
  close(): void;
}

/**
 * A hub pushing bus events to realtime clients (see `createRealtimeHub`).
 *
 * @example
 * ```ts
 * app.get('/events', (c) => hub.sse(c.req.raw, { topics: ['ai_progress'] })); // any Fetch router
 * ```
 */
export interface RealtimeHub {
  /**
   * Answers an SSE request: 401 when `authorize` refuses, 403 when the client asks for a topic
   * it may not have (unknown and forbidden look the same), else a `text/event-stream`.
   * Clients choose topics with `?topics=a,b` and resume with `Last-Event-ID` or `?lastEventId=`.
   */
  sse(request: Request, options?: SseOptions): Promise<Response>;
  /** Runs `authorize` (or allows every topic): `null` means refused. Never throws. */
  authorize(request: Request): Promise<string[] | null>;
  /** Low-level subscription for other transports; topics are not authorised here. */
  subscribe(options: SubscribeOptions): Subscription;
  /** The configured topic names. */
  readonly topics: readonly string[];
  /** Number of connected clients (SSE streams and subscriptions). */
  readonly subscriberCount: number;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Id of the newest buffered event, if any. */
  readonly lastEventId: string | undefined;
  /** Unsubscribes from the bus and ends every stream. */
  close(): void;
}
