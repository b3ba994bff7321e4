import type { ErrorInfo } from '../bus/system-events.js';
import { isIntegrationError } from '../errors/integration-error.js';

const USERINFO = /\/\/[^/\s:@]*:[^/\s@]+@/g;
const SECRET_PARAM = /([\w.-]*(?:token|key|secret|sig|pass|pwd|credential|session)[\w.-]*\s*[=:]\s*)[^&\s#,;]+/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const MAX_MESSAGE = 500;

/**
 * Masks the usual carriers of secrets in a free-form message: URL user info, query parameters
 * named like token/key/secret/signature/password, and `Bearer`/`Basic` credentials.
 */
export function redactMessage(message: string): string {
  const masked = message
    .replace(USERINFO, '//REDACTED@')
    .replace(SECRET_PARAM, '$1REDACTED')
    .replace(AUTH_SCHEME, '$1 REDACTED');
  return masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE)}…` : masked;
}

/**
 * A secret-free summary of any thrown value, for events and log lines. Library errors keep
 * their (already safe) message; foreign messages are redacted and cut to 500 characters.
 */
export function errorInfo(error: unknown): ErrorInfo {
  if (isIntegrationError(error)) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: redactMessage(error.message) };
  return {
    name: 'NonError',
    message: typeof error === 'string' ? redactMessage(error) : 'a non-Error value was thrown',
  };
}
