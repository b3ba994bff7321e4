import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { apiKeyHeader, basic, bearer, createRestClient } from '../../src/rest/index.js';
import { parseBaseUrl, redact, resolveUrl } from '../../src/rest/url.js';

const base = parseBaseUrl('https://api.example.com/v1');

describe('resolveUrl', () => {
  it('resolves paths under the base path, with or without a leading slash', () => {
    expect(resolveUrl(base, '/users').href).toBe('https://api.example.com/v1/users');
    expect(resolveUrl(base, 'users/42?x=1').href).toBe('https://api.example.com/v1/users/42?x=1');
    expect(resolveUrl(base, 'a/../b').href).toBe('https://api.example.com/v1/b');
    expect(resolveUrl(base, '').href).toBe('https://api.example.com/v1/');
  });

  it.each([
    'https://evil.example/x',
    'HTTP://evil.example',
    '//evil.example/x',
    'javascript:alert(1)',
    '../admin',
    '/../admin',
    'a/../../admin',
    '%2e%2e/admin',
    '.%2E/admin',
    '\\\\evil.example',
    'a\\..\\..\\x',
    'users\n/x',
  ])('refuses %j with INVALID_URL', (path) => {
    expect(() => resolveUrl(base, path)).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it('percent-encodes path parameters and refuses dot segments or missing ones', () => {
    expect(resolveUrl(base, '/users/:id/posts/:post', { id: 'a/b?c#d', post: 7 }).pathname).toBe(
      '/v1/users/a%2Fb%3Fc%23d/posts/7',
    );
    expect(resolveUrl(base, '/models/gpt-4:generate').pathname).toBe('/v1/models/gpt-4:generate');
    expect(resolveUrl(base, 'projects:batchGet').pathname).toBe('/v1/projects:batchGet');
    expect(resolveUrl(base, '/http:').pathname).toBe('/v1/http:');
    expect(resolveUrl(base, '/search?at=12:30').search).toBe('?at=12:30');
    for (const id of ['..', '.', '']) {
      expect(() => resolveUrl(base, '/users/:id', { id })).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    }
    expect(() => resolveUrl(base, '/users/:id')).toThrow(/missing path parameter "id"/);
  });

  it('never leaves the base for any path parameter value (property)', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        try {
          const url = resolveUrl(base, '/users/:id/x', { id });
          return url.origin === base.origin && url.pathname.startsWith('/v1/users/');
        } catch (error) {
          return (error as { code?: string }).code === 'INVALID_URL';
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never resolves any path outside the base (fuzzed with traversal fragments)', () => {
    const piece = fc.constantFrom(
      '..',
      '.',
      '%2e',
      '%2E%2e',
      '/',
      '//',
      '\\',
      ':',
      '@',
      'evil.example',
      'a',
      '?',
      '#',
      '%2f',
      'http:',
      '\t',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 12 }).map((xs) => xs.join('')),
        ),
        (path) => {
          try {
            const url = resolveUrl(base, path);
            return url.origin === base.origin && url.pathname.startsWith('/v1/');
          } catch (error) {
            return (error as { code?: string }).code === 'INVALID_URL';
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps the base query and appends searchParams (arrays repeat, undefined skipped)', () => {
    const b = parseBaseUrl('https://x.example/api?api-version=2024-01');
    const url = resolveUrl(b, '/chat?stream=1', undefined, { tag: ['a', 'b'], skip: undefined, n: 3 });
    expect(url.search).toBe('?api-version=2024-01&stream=1&tag=a&tag=b&n=3');
  });

  it('redacts secret-looking query values and lists them as secrets', () => {
    const url = new URL(
      'https://api.example.com/x?api_key=CANARY1&token=CANARY2&X-Amz-Signature=CANARY3&page=2&password=CANARY4&code=CANARY5',
    );
    const { safe, secrets, href } = redact(url);
    expect(safe).not.toMatch(/CANARY/);
    expect(safe).toContain('page=2');
    expect(safe).toContain('api_key=REDACTED');
    expect(secrets).toEqual(['CANARY1', 'CANARY2', 'CANARY3', 'CANARY4', 'CANARY5']);
    expect(href).toBe(url.href);
  });
});

describe('redaction (property)', () => {
  it('no value of a secret-named query parameter survives redact, whatever the name casing or value', () => {
    const secretName = fc
      .tuple(
        fc.constantFrom('', 'x-', 'api_', 'client_', 'X-Amz-'),
        fc.constantFrom('token', 'Key', 'SECRET', 'signature', 'password', 'sig', 'auth', 'session'),
        fc.constantFrom('', '_id', 'Value', '2'),
      )
      .map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(secretName, fc.string({ minLength: 1 }), fc.string(), (name, value, other) => {
        const canary = `CANARY${value}`;
        const url = new URL('https://api.example.com/x');
        url.searchParams.append('page', other);
        url.searchParams.append(name, canary);
        const { safe } = redact(url);
        return !safe.includes('CANARY') && !decodeURIComponent(safe.replace(/\+/g, ' ')).includes(canary);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('auth helpers and options', () => {
  it('builds header values; async tokens are awaited per call', async () => {
    expect(await bearer('t0k').value()).toBe('Bearer t0k');
    let n = 0;
    const rotating = bearer(async () => `tok-${++n}`);
    expect(await rotating.value()).toBe('Bearer tok-1');
    expect(await rotating.value()).toBe('Bearer tok-2');
    expect(apiKeyHeader('X-Api-Key', 'k').header).toBe('x-api-key');
    expect(await basic('ünï', 'p:w').value()).toBe(`Basic ${Buffer.from('ünï:p:w').toString('base64')}`);
  });

  it('rejects bad options with CONFIG at creation', () => {
    const bad = [
      () => bearer(''),
      () => apiKeyHeader('bad header', 'x'),
      () => basic('a:b', 'c'),
      () => createRestClient({ baseUrl: 'ftp://x' }),
      () => createRestClient({ baseUrl: '/relative' }),
      () => createRestClient({ baseUrl: 'https://x.example', timeoutMs: -1 }),
      () => createRestClient({ baseUrl: 'https://x.example', maxBodyBytes: 0 }),
      () => createRestClient({ baseUrl: 'https://x.example', policy: {} as never }),
      () => createRestClient({ baseUrl: 'https://x.example', auth: { header: 'x' } as never }),
      () => createRestClient(undefined as never),
    ];
    for (const make of bad) expect(make).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('never echoes a secret in a CONFIG error for a bad header value', () => {
    const make = () =>
      createRestClient({ baseUrl: 'https://x.example', headers: { 'x-key': 'CANARY-SECRET\r\nx-evil: 1' } });
    expect(make).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    try {
      make();
    } catch (error) {
      expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain('CANARY');
      expect((error as Error).message).not.toContain('CANARY');
    }
  });

  it('refuses an auth value the runtime would reject, without echoing it and without sending', async () => {
    const fetchSpy = vi.fn(async () => new Response('{}'));
    const api = createRestClient({
      baseUrl: 'https://api.example.com',
      auth: bearer(async () => 'CANARY-tok\r\nx-injected: 1'),
      fetch: fetchSpy,
      policy: false,
    });
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG' });
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain('CANARY');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses an invalid path before any request is made', async () => {
    const fetchSpy = vi.fn(async () => new Response('{}'));
    const api = createRestClient({ baseUrl: 'https://api.example.com/v1', fetch: fetchSpy });
    await expect(api.get('https://evil.example/steal')).rejects.toMatchObject({ code: 'INVALID_URL' });
    await expect(api.get('//evil.example/steal')).rejects.toMatchObject({ code: 'INVALID_URL' });
    await expect(api.delete('../../admin')).rejects.toMatchObject({ code: 'INVALID_URL' });
    expect(() => api.stream('//evil.example')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
