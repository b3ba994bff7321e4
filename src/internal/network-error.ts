// The message of the `TypeError` that `fetch` throws when the network fails, per runtime:
// Node.js (undici: 'fetch failed', 'terminated' when the connection drops mid-body), Chrome
// ('Failed to fetch', 'network error'), Firefox, Safari ('Load failed', offline), Bun,
// Cloudflare Workers, cross-fetch, and Deno ('error sending request for url ...').
const NETWORK =
  /^ ?(?:fetch failed|terminated|failed to fetch|load failed|network|a network error|the internet connection|error sending request)/i;

/**
 * True for the `TypeError` a `fetch` throws when the network fails (not for a bug that also
 * happens to be a `TypeError`).
 */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && NETWORK.test(error.message);
}
