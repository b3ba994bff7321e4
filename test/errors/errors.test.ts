import { describe, expect, it } from 'vitest';
import {
  AbortError,
  BulkheadRejectedError,
  CircuitOpenError,
  ConflictError,
  GraphQLResponseError,
  HttpError,
  IntegrationError,
  isAbortError,
  isCircuitOpenError,
  isHttpError,
  isIntegrationError,
  isValidationError,
  isWebhookVerificationError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  StorageError,
  TimeoutError,
  ValidationError,
  WebhookVerificationError,
  WorkflowError,
} from '../../src/index.js';

describe('IntegrationError', () => {
  it('carries code, retryable, cause and details', () => {
    const cause = new Error('root');
    const error = new IntegrationError('bad option', { code: 'CONFIG', cause, details: { option: 'x' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IntegrationError');
    expect(error.code).toBe('CONFIG');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ option: 'x' });
    expect(error.stack).toContain('bad option');
  });

  it('defaults to CONFIG and not retryable', () => {
    const error = new IntegrationError('x');
    expect(error.code).toBe('CONFIG');
    expect(error.retryable).toBe(false);
    expect('cause' in error).toBe(false);
  });

  it('toJSON keeps foreign cause messages out (they may hold secrets)', () => {
    const canary = 'sk-canary-1234567890';
    const error = new IntegrationError('upstream failed', {
      code: 'NETWORK',
      cause: new Error(`connect failed for https://u:${canary}@host`),
    });
    const json = JSON.stringify(error);
    expect(json).not.toContain(canary);
    expect(JSON.parse(json)).toEqual({
      name: 'IntegrationError',
      code: 'NETWORK',
      message: 'upstream failed',
      retryable: false,
      cause: { name: 'Error' },
    });
  });

  it('toJSON keeps the summary of a library cause built in another realm', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext(`
      const e = new Error('remote took too long'); e.name = 'TimeoutError'; e.code = 'TIMEOUT';
      e[Symbol.for('@wawagot/integrations/error')] = true; e;`);
    expect(new IntegrationError('wrapped', { cause: foreign }).toJSON().cause).toEqual({
      name: 'TimeoutError',
      code: 'TIMEOUT',
      message: 'remote took too long',
    });
  });

  it('toJSON keeps our own cause summaries', () => {
    const inner = new TimeoutError('took too long');
    const outer = new IntegrationError('wrapped', { cause: inner, retryAfterMs: 5 });
    expect(outer.toJSON()).toMatchObject({
      retryAfterMs: 5,
      cause: { name: 'TimeoutError', code: 'TIMEOUT', message: 'took too long' },
    });
  });
});

describe('subclasses', () => {
  const cases: Array<[IntegrationError, string, string, boolean]> = [
    [new TimeoutError('t'), 'TimeoutError', 'TIMEOUT', true],
    [new NetworkError('n'), 'NetworkError', 'NETWORK', true],
    [new CircuitOpenError('c', { retryAfterMs: 10 }), 'CircuitOpenError', 'CIRCUIT_OPEN', false],
    [new RateLimitError('r'), 'RateLimitError', 'RATE_LIMITED', true],
    [new BulkheadRejectedError('b'), 'BulkheadRejectedError', 'BULKHEAD_FULL', false],
    [new ValidationError('v', { issues: [] }), 'ValidationError', 'VALIDATION', false],
    [new GraphQLResponseError('g', { errors: [{ message: 'x' }] }), 'GraphQLResponseError', 'GRAPHQL', false],
    [
      new WebhookVerificationError('w', { reason: 'invalid_signature' }),
      'WebhookVerificationError',
      'WEBHOOK_VERIFICATION',
      false,
    ],
    [new NotFoundError('nf'), 'NotFoundError', 'NOT_FOUND', false],
    [new ConflictError('cf'), 'ConflictError', 'CONFLICT', false],
    [new StorageError('s'), 'StorageError', 'STORAGE', false],
    [new WorkflowError('wf'), 'WorkflowError', 'WORKFLOW', false],
    [new AbortError('a'), 'AbortError', 'ABORTED', false],
  ];
  it.each(cases)('%s has name %s, code %s, retryable %s', (error, name, code, retryable) => {
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(isIntegrationError(error)).toBe(true);
    expect(error).toBeInstanceOf(IntegrationError);
  });

  it('lets callers override the default code', () => {
    expect(new WorkflowError('x', { code: 'NOT_SERIALIZABLE' }).code).toBe('NOT_SERIALIZABLE');
  });

  it('HttpError is retryable only for transient statuses and truncates the body excerpt', () => {
    const retryable = [408, 425, 429, 500, 502, 503, 504];
    for (const status of [400, 401, 403, 404, 409, 422, 501, ...retryable]) {
      const error = new HttpError(`HTTP ${status}`, { status, method: 'GET', url: 'https://api.test/x' });
      expect(error.retryable).toBe(retryable.includes(status));
      expect(error.details).toMatchObject({ status, method: 'GET', url: 'https://api.test/x' });
    }
    const long = new HttpError('x', { status: 500, method: 'GET', url: 'u', bodyExcerpt: 'a'.repeat(5000) });
    expect(long.bodyExcerpt).toHaveLength(1024);
  });

  it('ValidationError, GraphQLResponseError and WebhookVerificationError keep their fields', () => {
    const issues = [{ message: 'Required', path: ['name'] }];
    expect(new ValidationError('v', { issues }).issues).toBe(issues);
    const g = new GraphQLResponseError('g', { errors: [{ message: 'boom' }], data: { a: 1 } });
    expect(g.errors[0]?.message).toBe('boom');
    expect(g.data).toEqual({ a: 1 });
    const w = new WebhookVerificationError('w', { reason: 'duplicate' });
    expect(w.reason).toBe('duplicate');
    expect(w.toJSON().details).toEqual({ reason: 'duplicate' });
  });

  it('an explicitly undefined code falls back to the class code', () => {
    expect(new WebhookVerificationError('w', { reason: 'invalid_signature', code: undefined }).code).toBe(
      'WEBHOOK_VERIFICATION',
    );
    expect(new ValidationError('v', { issues: [], code: undefined }).code).toBe('VALIDATION');
    expect(new GraphQLResponseError('g', { errors: [], code: undefined }).code).toBe('GRAPHQL');
  });
});

describe('guards', () => {
  it('reject foreign values', () => {
    for (const value of [null, undefined, 1, 'HttpError', {}, new Error('x'), { name: 'HttpError' }]) {
      expect(isIntegrationError(value)).toBe(false);
      expect(isHttpError(value)).toBe(false);
    }
  });

  it('distinguish subclasses by name', () => {
    const error = new CircuitOpenError('open');
    expect(isCircuitOpenError(error)).toBe(true);
    expect(isHttpError(error)).toBe(false);
    expect(isValidationError(error)).toBe(false);
    expect(isAbortError(new AbortError('a'))).toBe(true);
    expect(isWebhookVerificationError(new WebhookVerificationError('w', { reason: 'missing_secret' }))).toBe(true);
  });

  it('work across realms (an error built by another copy of the library)', async () => {
    const { runInNewContext } = await import('node:vm');
    // A copy of the brand in another realm: the guard must not rely on instanceof.
    const foreign = runInNewContext(`
      const e = new Error('remote'); e.name = 'HttpError'; e.code = 'HTTP_ERROR';
      e[Symbol.for('@wawagot/integrations/error')] = true; e;`);
    expect(foreign instanceof IntegrationError).toBe(false);
    expect(isIntegrationError(foreign)).toBe(true);
    expect(isHttpError(foreign)).toBe(true);
  });
});
