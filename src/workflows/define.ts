import type { Envelope } from '../bus/types.js';
import { assertNumber, assertObject, configError } from '../internal/config.js';
import type { Backoff } from '../policies/backoff.js';
import { assertBackoff } from '../policies/backoff.js';
import type { StandardSchemaV1 } from '../types.js';
import { type Duration, parseDuration } from './duration.js';

/** How a step (or a compensation) is retried inside one execution. */
export interface StepRetry {
  /** Attempts in total, the first included. @default 3 */
  maxAttempts?: number;
  /** Wait between attempts. @default exponential({ initial: 200, max: 30000 }) */
  backoff?: Backoff;
  /** Decides whether an error is retried. @default retry all but non-retryable `IntegrationError`s */
  retryOn?: (error: unknown) => boolean;
}

/** What a step function receives. */
export interface StepContext {
  /** Aborted when the run's lease is lost, the run times out or the runner closes. */
  signal: AbortSignal;
  /** 1 for the first attempt of this step in this execution. */
  attempt: number;
}

/** Options of `step.run`. */
export interface StepRunOptions<T> {
  /** Overrides the workflow's `retry` for this step. */
  retry?: StepRetry;
  /** Undoes the step when the run fails later; called in reverse order with the step's result. */
  compensate?: (result: T, ctx: StepContext) => unknown;
}

/** Options of `step.waitForEvent`. */
export interface WaitForEventOptions<D = unknown> {
  /** Bus event type to wait for. */
  type: string;
  /**
   * A predicate on `envelope.data`, or a dotted envelope path (`'data.orderId'`) whose value must
   * equal the same path of `{ data: input }`, i.e. `input.orderId` (as in Inngest).
   */
  match?: ((data: D) => boolean) | string;
  /** How long to wait before resolving with `null`. */
  timeoutMs: Duration;
}

/** The durable step API handed to a workflow handler. */
export interface StepApi {
  /** Runs `fn` once per run: its JSON result is stored, and replays return it without calling `fn`. */
  run<T>(id: string, fn: (ctx: StepContext) => Promise<T> | T, options?: StepRunOptions<T>): Promise<T>;
  /** Sleeps durably; a runner restarted after the deadline continues at once. */
  sleep(id: string, duration: Duration): Promise<void>;
  /** Sleeps durably until `date`. */
  sleepUntil(id: string, date: Date | number | string): Promise<void>;
  /** Resolves with the first matching bus envelope published while waiting, or `null` on timeout. */
  waitForEvent<D = unknown>(id: string, options: WaitForEventOptions<D>): Promise<Envelope<string, D> | null>;
  /** Runs `workflow` as a child run and resolves with its output (rejects when it fails). */
  invoke<I, O>(id: string, workflow: Workflow<I, O>, input: I): Promise<O>;
}

/** The third handler argument. */
export interface WorkflowContext {
  runId: string;
  /** 1 on the first execution, incremented each time the run is claimed again (resume, wake-up). */
  attempt: number;
  /** Aborted when the lease is lost, the run times out or the runner closes. */
  signal: AbortSignal;
}

/** A workflow body. It re-runs from the top on every execution, so keep side effects in steps. */
export type WorkflowHandler<I, O> = (input: I, step: StepApi, ctx: WorkflowContext) => Promise<O> | O;

/** Options of `defineWorkflow`. */
export interface WorkflowOptions<I> {
  /** Default retry of every step. */
  retry?: StepRetry;
  /** Fails the run (after compensation) when it has not finished this long after its start. */
  timeoutMs?: Duration;
  /** Validates (and may transform) the input at `start`; invalid input throws `ValidationError`. */
  schema?: StandardSchemaV1<unknown, I>;
}

/** A named, registered-by-value workflow definition. */
export interface Workflow<I = unknown, O = unknown> {
  readonly name: string;
  readonly handler: WorkflowHandler<I, O>;
  readonly options: Readonly<WorkflowOptions<I>>;
}

/** Checks a step retry option; throws `CONFIG`. */
export function assertRetry(retry: StepRetry | undefined, name: string): void {
  if (retry === undefined) return;
  assertObject(`${name}`, retry);
  if (retry.maxAttempts !== undefined)
    assertNumber(`${name}.maxAttempts`, retry.maxAttempts, { min: 1, integer: true });
  if (retry.backoff !== undefined) assertBackoff(retry.backoff, `${name}.backoff`);
  if (retry.retryOn !== undefined && typeof retry.retryOn !== 'function')
    configError(`${name}.retryOn must be a function`);
}

/**
 * Defines a durable workflow. Register it with `createWorkflowRunner({ workflows: [...] })`.
 *
 * @example
 * ```ts
 * const onboarding = defineWorkflow('onboarding', async (input: { email: string }, step) => {
 *   const user = await step.run('create-user', () => api.post('/users', { json: input }));
 *   await step.sleep('wait-a-day', '1d');
 *   await step.run('send-tips', () => mailer.send(input.email, 'tips'));
 *   return { userId: user.id };
 * });
 * ```
 */
export function defineWorkflow<I = unknown, O = unknown>(
  name: string,
  handler: WorkflowHandler<I, O>,
  options: WorkflowOptions<I> = {},
): Workflow<I, O> {
  assertObject('defineWorkflow options', options);
  if (typeof name !== 'string' || !/^[\w.:-]{1,100}$/.test(name)) {
    configError('workflow name must be 1-100 characters of letters, digits, _ . : -');
  }
  if (typeof handler !== 'function') configError(`workflow "${name}" handler must be a function`);
  assertRetry(options.retry, `workflow "${name}" retry`);
  if (options.timeoutMs !== undefined) parseDuration(options.timeoutMs, `workflow "${name}" timeoutMs`);
  if (options.schema !== undefined && typeof options.schema?.['~standard']?.validate !== 'function') {
    configError(`workflow "${name}" schema must be a Standard Schema`);
  }
  return Object.freeze({ name, handler, options: Object.freeze({ ...options }) });
}
