/** A secret-free summary of an error, as carried by events. */
export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
}

/**
 * The events the library itself publishes, by type. Every bus created with `createBus` accepts
 * and types them; subscribe to them for metrics, logs or dashboards.
 *
 * @example
 * ```ts
 * bus.subscribe('breaker.opened', (e) => alert(`${e.data.name} is failing`));
 * ```
 */
export interface SystemEvents {
  /** An HTTP request is about to be sent (one per attempt). */
  'http.request': { client: string; method: string; url: string; attempt: number };
  /** An HTTP response arrived (any status). */
  'http.response': { client: string; method: string; url: string; status: number; durationMs: number; attempt: number };
  /** A retry policy is about to wait and try again. */
  'http.retry': { name: string; attempt: number; delayMs: number; error: ErrorInfo };
  /** A circuit breaker opened and now fails calls fast. */
  'breaker.opened': { name: string; retryAfterMs: number; error?: ErrorInfo };
  /** A circuit breaker lets probe calls through. */
  'breaker.half_opened': { name: string };
  /** A circuit breaker closed again after a successful probe. */
  'breaker.closed': { name: string };
  /** A job was accepted by a queue. */
  'queue.enqueued': { queue: string; jobId: string; delayMs?: number };
  /** A job's handler succeeded. */
  'queue.completed': { queue: string; jobId: string; attempt: number; durationMs: number };
  /** A job's handler failed; `retrying` says whether another attempt is scheduled. */
  'queue.failed': { queue: string; jobId: string; attempt: number; retrying: boolean; error: ErrorInfo };
  /** A job spent its attempts and was moved to the dead-letter list. */
  'queue.dead_lettered': { queue: string; jobId: string; attempts: number; error: ErrorInfo };
  /** A webhook delivery was verified and accepted. */
  'webhook.received': { route: string; scheme: string; id?: string; event?: string };
  /** A webhook delivery was refused. */
  'webhook.rejected': { route: string; reason: string; status: number };
  /** A workflow run started (or was resumed). */
  'workflow.started': { workflow: string; runId: string; resumed?: boolean };
  /** A workflow step finished and its result was stored. */
  'workflow.step_completed': { workflow: string; runId: string; stepId: string; attempts: number; durationMs: number };
  /** A workflow run finished successfully. */
  'workflow.completed': { workflow: string; runId: string; durationMs: number };
  /** A workflow run failed (after compensation) or was cancelled. */
  'workflow.failed': { workflow: string; runId: string; error: ErrorInfo; cancelled?: boolean };
  /** A bus handler threw or rejected; other handlers and the publisher were not affected. */
  'bus.handler_failed': { type: string; id: string; error: ErrorInfo };
  /**
   * A bus transport parked an event in its dead letters: its handler kept failing, or the
   * message was invalid (`type`/`id` are `'unknown'` when it could not be read).
   */
  'bus.dead_lettered': { type: string; id: string; group?: string; attempts: number; error: ErrorInfo };
}

/** Every system event type name. */
export type SystemEventType = keyof SystemEvents;
