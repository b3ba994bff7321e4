import { configError } from '../internal/config.js';
import type { Auth } from './types.js';

type Secret = string | (() => string | Promise<string>);

function checkSecret(what: string, value: unknown): asserts value is Secret {
  if (typeof value === 'function') return;
  if (typeof value !== 'string' || value.length === 0) configError(`${what} must be a non-empty string or a function`);
}

async function read(what: string, secret: Secret): Promise<string> {
  const value = typeof secret === 'function' ? await secret() : secret;
  // The message names the option only: the value is a secret.
  if (typeof value !== 'string' || value.length === 0) configError(`${what} returned an empty or non-string value`);
  return value;
}

/**
 * `Authorization: Bearer <token>`. A function is awaited before every attempt, so a rotating
 * or refreshed token is always current.
 *
 * @example
 * ```ts
 * const openai = createRestClient({ baseUrl: 'https://api.openai.com/v1', auth: bearer(process.env.OPENAI_API_KEY!) });
 * const vault = createRestClient({ baseUrl, auth: bearer(() => tokens.current()) });
 * ```
 */
export function bearer(token: Secret): Auth {
  checkSecret('bearer(token)', token);
  if (typeof token === 'string') {
    const value = `Bearer ${token}`;
    return { header: 'authorization', value: () => value };
  }
  return { header: 'authorization', value: async () => `Bearer ${await read('bearer(token)', token)}` };
}

/**
 * A key in a header of your choice, e.g. `X-Api-Key` or `xi-api-key`.
 *
 * @example
 * ```ts
 * const knowledge = createRestClient({ baseUrl, auth: apiKeyHeader('X-Api-Key', process.env.KNOWLEDGE_KEY!) });
 * ```
 */
export function apiKeyHeader(name: string, value: Secret): Auth {
  if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    configError('apiKeyHeader(name) must be a valid header name');
  }
  checkSecret('apiKeyHeader(value)', value);
  return {
    header: name.toLowerCase(),
    value: typeof value === 'string' ? () => value : () => read('apiKeyHeader(value)', value),
  };
}

/**
 * `Authorization: Basic base64(user:pass)`, UTF-8 safe.
 *
 * @example
 * ```ts
 * const automation = createRestClient({ baseUrl: 'https://n8n.example.com/api/v1', auth: basic('bot', process.env.N8N_PASSWORD!) });
 * ```
 */
export function basic(user: string, pass: string): Auth {
  if (typeof user !== 'string' || user.includes(':')) configError('basic(user) must be a string without ":"');
  if (typeof pass !== 'string') configError('basic(pass) must be a string');
  let binary = '';
  for (const byte of new TextEncoder().encode(`${user}:${pass}`)) binary += String.fromCharCode(byte);
  const value = `Basic ${btoa(binary)}`;
  return { header: 'authorization', value: () => value };
}
