import { IntegrationError } from '../errors/integration-error.js';
import { configError } from '../internal/config.js';
import type { PathParam, SearchParams } from './types.js';

/** Query parameter names whose values are replaced by `REDACTED` in messages, logs and events. */
const SECRET_NAME =
  /token|key|secret|sig|pass|pwd|auth|credential|session|cookie|assertion|^(device_)?code(_verifier)?$/i;

/** An absolute URL (`scheme://`) or a scheme that never names a path (`javascript:`, `data:`, ...). */
const ABSOLUTE = /^([a-z][a-z0-9+.-]*:\/\/|(javascript|data|file|blob|mailto|about|vbscript):)/i;

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
  // The fetch error of such a URL quotes it, password included.
  if (url.username || url.password) configError(`${what} must not contain credentials; use basic()`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A value `String()` turns into what the caller meant: no `[object Object]`, `NaN` or `a,b`. */
const isScalar = (value: unknown) => Number.isFinite(value) || /^(string|boolean|bigint)$/.test(typeof value);

const SCALAR = 'a string, finite number, boolean or bigint';

function fillParams(path: string, params: Record<string, PathParam> | undefined): string {
  return path.replace(/(^|\/):([A-Za-z_]\w*)/g, (_, slash: string, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) invalidUrl(`missing path parameter "${name}"`);
    if (!isScalar(value)) configError(`path parameter "${name}" must be ${SCALAR}`);
    const text = String(value);
    // `.`/`..` survive encodeURIComponent and would be read as dot segments.
    if (/^\.{0,2}$/.test(text)) invalidUrl(`path parameter "${name}" is empty or a dot segment`);
    return slash + encodeURIComponent(text);
  });
}

function appendSearch(url: URL, searchParams: SearchParams): void {
  if (typeof searchParams === 'string' || searchParams instanceof URLSearchParams) {
    for (const [k, v] of new URLSearchParams(searchParams)) url.searchParams.append(k, v);
    return;
  }
  if (typeof searchParams !== 'object' || searchParams === null || Array.isArray(searchParams)) {
    configError('searchParams must be an object, string or URLSearchParams');
  }
  for (const [k, v] of Object.entries(searchParams)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (!isScalar(item)) configError(`searchParams.${k} must be ${SCALAR}`);
      url.searchParams.append(k, String(item));
    }
  }
}

/** A `.`/`..` segment spelled with `%2e`, or an encoded `/` or `\`: a server decoding before routing would traverse. */
const ENCODED_TRAVERSAL = /(^|\/)\.?%2e(\.|%2e)?(\/|$)|%(2f|5c)/i;

/**
 * Resolves `path` under `base`. Refuses (`INVALID_URL`, before any request) absolute URLs,
 * protocol-relative `//host`, backslashes, control characters, any `..` that would leave the
 * base path, and percent-encoded dot segments, slashes and backslashes in the path (a value
 * that needs them goes through `params`, which encodes it). Bad `params` or `searchParams`
 * values throw `CONFIG`.
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
  if (ENCODED_TRAVERSAL.test(pathPart)) {
    invalidUrl('path must not percent-encode a dot segment, "/" or "\\" (use params)');
  }
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

/** A resolved request URL: what is sent, what may be shown, and the secrets to scrub. */
export interface Target {
  href: string;
  /** Redacted, for messages, logs and events. */
  safe: string;
  /** Secret query values in `href`. */
  secrets: string[];
}

/**
 * `url` as a {@link Target}: `safe` is the URL as it may appear in messages, logs and events,
 * values of secret-looking query parameters (token, key, secret, signature, password, code,
 * ...) replaced; `secrets` are those values, to scrub from error bodies. (User info never gets
 * this far: `parseBaseUrl` refuses it.)
 */
export function redact(url: URL): Target {
  const target: Target = { href: url.href, safe: url.href, secrets: [] };
  if (url.search) {
    const copy = new URL(url.href);
    const parts: string[] = [];
    for (const [k, v] of url.searchParams) {
      const secret = SECRET_NAME.test(k);
      if (secret && v) target.secrets.push(v);
      parts.push(`${encodeURIComponent(k)}=${secret ? 'REDACTED' : encodeURIComponent(v)}`);
    }
    copy.search = parts.join('&');
    target.safe = copy.href;
  }
  return target;
}

/**
 * `resolveUrl` + `redact` for one base, remembering the last few hundred
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
    const target = redact(resolveUrl(base, path, params, searchParams));
    if (plain) {
      if (cache.size >= 256) cache.clear();
      cache.set(path, target);
    }
    return target;
  };
}
