import { IntegrationError, isIntegrationError } from '../errors/integration-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { configError } from '../internal/config.js';
import { toJson } from '../internal/json.js';
import { sleep } from '../internal/sleep.js';
import type { Clock } from '../types.js';
import type { Envelope } from './types.js';

/** Largest envelope a transport accepts or decodes (bytes of JSON). */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

/** Serialises an envelope for the wire; refuses values JSON cannot carry or that are too large. */
export function encodeEnvelope(envelope: Envelope): string {
  const json = toJson(envelope, `"${envelope.type}" event`);
  if (json.length > MAX_ENVELOPE_BYTES) {
    throw new IntegrationError(`"${envelope.type}" event is larger than ${MAX_ENVELOPE_BYTES} bytes`, {
      code: 'PAYLOAD_TOO_LARGE',
    });
  }
  return json;
}

/**
 * Parses and shape-checks an envelope read from a broker. Throws {@link ValidationError} for
 * anything that is not a CloudEvents 1.0 envelope, so the transport dead-letters it.
 */
export function decodeEnvelope(text: string | undefined): Envelope {
  let value: unknown;
  try {
    if (text === undefined || text.length > MAX_ENVELOPE_BYTES) throw new Error('missing or too large');
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('invalid bus message: not an envelope', { issues: [{ message: 'not JSON' }] });
  }
  const e = value as Partial<Envelope> | null;
  const bad =
    typeof e !== 'object' ||
    e === null ||
    e.specversion !== '1.0' ||
    typeof e.id !== 'string' ||
    typeof e.type !== 'string' ||
    e.type.length === 0 ||
    typeof e.source !== 'string' ||
    typeof e.time !== 'string' ||
    (e.subject !== undefined && typeof e.subject !== 'string');
  if (bad)
    throw new ValidationError('invalid bus message: not a CloudEvents 1.0 envelope', {
      issues: [{ message: 'shape' }],
    });
  return e as Envelope;
}

/**
 * Whether a failed delivery goes to the dead letters at once: a non-retryable library error
 * (a `ValidationError`, for instance) will fail the same way every time.
 */
export function isPermanent(error: unknown): boolean {
  return isIntegrationError(error) && !error.retryable;
}

/** Checks a group (or durable) name: letters, digits, `_` and `-`, at most 64. */
export function assertName(what: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    configError(`${what} must be 1-64 letters, digits, "_" or "-"`);
  }
  return value;
}

/** A default consumer name, unique per process. */
export function defaultConsumer(): string {
  return `c-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * The wait of a consumer loop before it reads again after its `failures`-th failure in a row:
 * 100 ms doubling up to 5 s; resolves early (never rejects) when `signal` aborts.
 */
export function retryPause(failures: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return sleep(Math.min(5000, 50 * 2 ** Math.min(failures, 7)), signal, clock).catch(() => undefined);
}

/** Type and id of a message, as far as they can be read (for dead-letter reports). */
export function peek(text: string | undefined): { type: string; id: string } {
  try {
    const e = JSON.parse(text ?? '') as { type?: unknown; id?: unknown };
    return {
      type: typeof e?.type === 'string' ? e.type.slice(0, 200) : 'unknown',
      id: typeof e?.id === 'string' ? e.id.slice(0, 200) : 'unknown',
    };
  } catch {
    return { type: 'unknown', id: 'unknown' };
  }
}
