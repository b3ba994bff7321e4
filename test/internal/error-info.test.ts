import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/index.js';
import { errorInfo, redactMessage } from '../../src/internal/error-info.js';

const canary = 'CANARY-s3cr3t-0123456789';

describe('errorInfo', () => {
  it('keeps library errors as they are (their messages are built without secrets)', () => {
    expect(errorInfo(new TimeoutError('took 5000 ms'))).toEqual({
      name: 'TimeoutError',
      message: 'took 5000 ms',
      code: 'TIMEOUT',
    });
  });

  it.each([
    `connect ECONNREFUSED https://user:${canary}@db.internal:5432/app`,
    `GET https://api.test/v1/items?limit=5&api_key=${canary}&x=1 failed`,
    `request to https://h.test/cb?token=${canary} timed out`,
    `401 for Authorization: Bearer ${canary}`,
    `Basic ${canary} rejected`,
    `redis://:${canary}@127.0.0.1:6379 refused`,
    `sent token: Bearer ${canary}`,
    `password=${canary}`,
    `clone https://${canary}@github.com/org/repo.git failed`,
    `401 for authorization: bearer ${canary}`,
    `proxy-authorization: basic ${canary}`,
    `upstream said {"password":"${canary}","user":"a"}`,
    `upstream said {"api_key": "${canary}"}`,
    `upstream said {"password":"correct horse ${canary}","user":"a"}`,
    `config secret='two words ${canary}' rejected`,
  ])('redacts secrets from foreign messages: %s', (message) => {
    const info = errorInfo(new Error(message));
    expect(info.name).toBe('Error');
    expect(info.message).not.toContain(canary);
    expect(info.message).toContain('REDACTED');
  });

  it('keeps host and port of URLs without user info', () => {
    expect(redactMessage('connect https://db.internal:5432/app failed')).toBe(
      'connect https://db.internal:5432/app failed',
    );
  });

  it('redacts the value of a JSON key but keeps the JSON readable', () => {
    expect(redactMessage('{"password":"hunter22","user":"a"}')).toBe('{"password":"REDACTED","user":"a"}');
    expect(redactMessage('{"password":"horse battery","user":"a"}')).toBe('{"password":"REDACTED","user":"a"}');
  });

  it('keeps harmless text and cuts long messages', () => {
    expect(redactMessage('column "name" does not exist')).toBe('column "name" does not exist');
    expect(redactMessage('x'.repeat(2000))).toHaveLength(501);
  });

  it('summarises non-Error values without echoing objects', () => {
    expect(errorInfo({ password: canary })).toEqual({ name: 'NonError', message: 'a non-Error value was thrown' });
    expect(errorInfo(`failed with token=${canary}`).message).not.toContain(canary);
  });
});
