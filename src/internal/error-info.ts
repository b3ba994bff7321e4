import type { ErrorInfo } from '../bus/system-events.js';
import { isIntegrationError, summary } from '../errors/integration-error.js';

// URL user info (`//user:password@`, `//token@`) and `Bearer`/`Basic` (either case) and `Token` credentials.
const CREDENTIALS = /(\/\/)[^/\s@]+(?=@)|\b((?:[Bb]earer|[Bb]asic|Token)\s+)[\w.~+/=-]{6,}/g;
// Parameters and JSON keys named like a secret: `api_key=...`, `password: ...`, `"token":"..."`.
// A quoted value is masked up to its closing quote, spaces included. The bounded name keeps the
// scan linear on long runs of name characters.
const SECRET_PARAM =
  /((?:token|key|secret|sig|pass|pwd|credential|session)[\w.-]{0,64}["']?\s*[=:]\s*["']?)(?:(?<=")[^"]*|(?<=')[^']*|[^&\s#,;"']+)/gi;
const MAX_MESSAGE = 500;

/**
 * Masks the usual carriers of secrets in a free-form message: URL user info, query parameters
 * and JSON keys named like token/key/secret/signature/password, and `Bearer`/`Basic` credentials.
 */
export function redactMessage(message: string): string {
  const masked = redactSecrets(message);
  return masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE)}…` : masked;
}

/** {@link redactMessage} without the length cap (for stacks kept with dead letters). */
export function redactSecrets(text: string): string {
  // Credentials first: a parameter whose value is `Bearer <token>` then loses both words.
  return text.replace(CREDENTIALS, '$1$2REDACTED').replace(SECRET_PARAM, '$1REDACTED');
}

/**
 * A secret-free summary of any thrown value, for events and log lines. Library errors keep
 * their (already safe) message; foreign messages are redacted and cut to 500 characters.
 */
export function errorInfo(error: unknown): ErrorInfo {
  if (isIntegrationError(error)) return summary(error);
  if (error instanceof Error) return { name: error.name, message: redactMessage(error.message) };
  return {
    name: 'NonError',
    message: typeof error === 'string' ? redactMessage(error) : 'a non-Error value was thrown',
  };
}
