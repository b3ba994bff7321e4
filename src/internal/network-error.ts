// Messages of the `TypeError` that `fetch` throws when the network fails, per runtime.
const MESSAGES = new Set([
  'fetch failed', // Node.js (undici)
  'terminated', // Node.js (undici), connection dropped mid-body
  'Failed to fetch', // Chrome
  'network error', // Chrome
  'NetworkError when attempting to fetch resource.', // Firefox
  'Load failed', // Safari
  'The Internet connection appears to be offline.', // Safari
  ' A network error occurred.', // Bun
  'Network connection lost', // Cloudflare Workers
  'Network request failed', // cross-fetch
]);

/**
 * True for the `TypeError` a `fetch` throws when the network fails (not for a bug that also
 * happens to be a `TypeError`).
 */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const { message } = error;
  return (
    MESSAGES.has(message) ||
    message.startsWith('Failed to fetch (') ||
    message.startsWith('Load failed (') ||
    message.startsWith('error sending request for url') // Deno
  );
}
