// How the `TypeError` that `fetch` throws when the network fails begins, per runtime (compared
// case-insensitively): Node.js (undici: 'fetch failed', 'terminated' when the connection drops
// mid-body), Chrome ('Failed to fetch', 'network error'), Firefox ('NetworkError when attempting
// to fetch resource.'), Safari ('Load failed', 'The Internet connection appears to be offline.'),
// Bun (' A network error occurred.'), Cloudflare Workers ('Network connection lost'),
// cross-fetch ('Network request failed') and Deno ('error sending request for url ...').
const NETWORK =
  /^ ?(?:fetch failed|terminated|failed to fetch|load failed|(?:a )?network|the internet connection|error sending request)/i;

/**
 * True for the `TypeError` a `fetch` throws when the network fails (not for a bug that also
 * happens to be a `TypeError`).
 */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && NETWORK.test(error.message);
}
