import { IntegrationError } from '../errors/integration-error.js';
import { configError } from '../internal/config.js';
import type { PathParam, SearchParams } from './types.js';

/** Query parameter names whose values are replaced by `REDACTED` in messages, logs and events. */
const SECRET_NAME = /token|key|secret|sig|pass|pwd|auth|credential|session|cookie/i;

/** An absolute URL (`scheme://`) or a scheme that never names a path (`javascript:`, `data:`, ...). */
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|(javascript|data|file|blob|mailto|about|vbscript):)/i;

function invalidUrl(message: string): never {
  throw new IntegrationError(message, { code: 'INVALID_URL' });
}

/**
 * Parses and normalises a client's base URL (absolute http(s), no fragment, path ending in
 * `/`). Throws `CONFIG`; the message never contains the URL (it may carry credentials).
 */
export function parseBaseUrl(value: unknown, what = 'baseUrl'): URL {
  let url: URL | undefined;
  try {
    if (typeof value === 'string') url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    configError(`${what} must be an absolute http(s) URL`);
  }
  if (url.hash) configError(`${what} must not contain a fragment`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function fillParams(path: string, params: Record<string, PathParam> | undefined): string {
  return path.replace(/(^|\/):([A-Za-z_]\w*)/g, (_, slash: string, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) invalidUrl(`missing path parameter "${name}"`);
    const text = String(value);
    // `.`/`..` survive encodeURIComponent and would be read as dot segments.
    if (text === '' || text === '.' || text === '..') invalidUrl(`path parameter "${name}" is empty or a dot segment`);
    return slash + encodeURIComponent(text);
  });
}

function appendSearch(url: URL, searchParams: SearchParams): void {
  if (typeof searchParams === 'string' || searchParams instanceof URLSearchParams) {
    for (const [k, v] of new URLSearchParams(searchParams)) url.searchParams.append(k, v);
    return;
  }
  for (const [k, v] of Object.entries(searchParams)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
    else url.searchParams.append(k, String(v));
  }
}

/**
 * Resolves `path` under `base`. Refuses (`INVALID_URL`, before any request) absolute URLs,
 * protocol-relative `//host`, backslashes, control characters, and any `..` — literal or
 * percent-encoded — that would leave the base path.
 */
export function resolveUrl(
  base: URL,
  path: string,
  params?: Record<string, PathParam>,
  searchParams?: SearchParams,
): URL {
  if (typeof path !== 'string') invalidUrl('path must be a string');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (ABSOLUTE.test(path) || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path)) {
    invalidUrl('path must be relative to baseUrl (no scheme, "//", backslash or control character)');
  }
  const cut = path.search(/[?#]/);
  const pathPart = cut < 0 ? path : path.slice(0, cut);
  const filled = pathPart.includes(':') ? fillParams(pathPart, params) + path.slice(pathPart.length) : path;
  // `./` keeps a segment such as `projects:batchGet` from being read as a scheme.
  let url: URL;
  try {
    url = new URL(`./${filled.startsWith('/') ? filled.slice(1) : filled}`, base);
  } catch {
    invalidUrl('path is not a valid URL path');
  }
  url.hash = '';
  if (base.search) {
    const own = url.search;
    url.search = base.search;
    if (own) for (const [k, v] of new URLSearchParams(own)) url.searchParams.append(k, v);
  }
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
    invalidUrl('path leaves baseUrl');
  }
  if (searchParams !== undefined) appendSearch(url, searchParams);
  return url;
}

/**
 * The URL as it may appear in messages, logs and events: user info dropped, values of
 * secret-looking query parameters (token, key, secret, signature, password, ...) replaced.
 */
export function redactUrl(url: URL): string {
  if (!url.search && !url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  if (copy.search) {
    const parts: string[] = [];
    for (const [k, v] of copy.searchParams) {
      parts.push(`${encodeURIComponent(k)}=${SECRET_NAME.test(k) ? 'REDACTED' : encodeURIComponent(v)}`);
    }
    copy.search = parts.join('&');
  }
  return copy.href;
}

/** Values of secret-looking query parameters (and user info), to scrub from error bodies. */
export function secretValues(url: URL): string[] {
  const out: string[] = [];
  if (url.password) out.push(decodeURIComponent(url.password));
  for (const [k, v] of url.searchParams) if (SECRET_NAME.test(k) && v) out.push(v);
  return out;
}

/** A resolved request URL: what is sent, what may be shown, and the secrets to scrub. */
export interface Target {
  href: string;
  /** Redacted, for messages, logs and events. */
  safe: string;
  /** Secret query values (and password) in `href`. */
  secrets: string[];
}

/**
 * `resolveUrl` + `redactUrl` + `secretValues` for one base, remembering the last few hundred
 * plain paths (no params, no searchParams) so a hot path is validated once.
 */
export function createResolver(
  base: URL,
): (path: string, params?: Record<string, PathParam>, searchParams?: SearchParams) => Target {
  const cache = new Map<string, Target>();
  return (path, params, searchParams) => {
    const plain = params === undefined && searchParams === undefined && typeof path === 'string';
    const hit = plain ? cache.get(path) : undefined;
    if (hit) return hit;
    const url = resolveUrl(base, path, params, searchParams);
    const target = { href: url.href, safe: redactUrl(url), secrets: url.search ? secretValues(url) : [] };
    if (plain) {
      if (cache.size >= 256) cache.clear();
      cache.set(path, target);
    }
    return target;
  };
}
