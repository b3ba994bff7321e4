import { concat, type DigestEncoding } from './encoding.js';

/** What an HMAC is computed over: byte arrays and strings (UTF-8), concatenated. */
export type HmacPart = Uint8Array | string;

/** Hash functions a webhook HMAC may use. */
export type HmacAlgorithm = 'SHA-256' | 'SHA-512' | 'SHA-1';

/**
 * One secret, imported once: returns the encoded HMAC of the concatenated `parts`, synchronously
 * on the Node engine, as a promise on Web Crypto.
 */
export type HmacKey = (parts: readonly HmacPart[]) => string | Promise<string>;

interface NodeHmac {
  createHmac(algorithm: string, key: unknown): { update(data: HmacPart): unknown; digest(encoding: string): string };
  createSecretKey(key: Uint8Array): unknown;
}

let nodeEngine: NodeHmac | false | undefined;

/**
 * Node's synchronous HMAC, found through `process.getBuiltinModule` (Node >= 20.16, Bun, Deno)
 * rather than imported, so bundles for edge runtimes stay Web-only. Node's Web Crypto hops to
 * the thread pool for every `sign` (~25 µs against ~3 µs here); everywhere else the HMAC runs
 * on Web Crypto.
 */
function engine(): NodeHmac | false {
  try {
    nodeEngine ??=
      (globalThis as { process?: { getBuiltinModule?: (id: string) => NodeHmac } }).process?.getBuiltinModule?.(
        'node:crypto',
      ) || false;
  } catch {
    nodeEngine = false; // no built-ins here
  }
  return nodeEngine;
}

/** Forces Web Crypto (`true`) or re-detects the engine (`false`). For tests and benchmarks. */
export function forceWebCrypto(on: boolean): void {
  nodeEngine = on ? false : undefined;
}

/**
 * True when `received` from index `at` on equals `digest`, in time that depends only on the
 * digest's length (public): no early exit on the first differing character. The offset spares
 * slicing a prefix off the header: V8 reads characters of a sliced string ~3x slower.
 */
export function equal(digest: string, received: string, at = 0): boolean {
  let diff = (received.length - at) ^ digest.length;
  // Past the end of `received`, charCodeAt is NaN (0 in `^`): the lengths already differ.
  for (let i = 0; i < digest.length; i++) diff |= digest.charCodeAt(i) ^ received.charCodeAt(at + i);
  return !diff;
}

/** Wraps raw key bytes; the Node `KeyObject` or Web `CryptoKey` is created on first use and cached. */
export function hmacKey(secret: Uint8Array, algorithm: HmacAlgorithm, encoding: DigestEncoding): HmacKey {
  let nodeKey: unknown;
  let webKey: Promise<CryptoKey> | undefined;
  const nodeName = `sha${algorithm.slice(4)}`;
  return (parts) => {
    const node = engine();
    if (node) {
      nodeKey ??= node.createSecretKey(secret);
      const hmac = node.createHmac(nodeName, nodeKey);
      for (const part of parts) hmac.update(part);
      return hmac.digest(encoding.name);
    }
    webKey ??= crypto.subtle.importKey(
      'raw',
      secret as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: algorithm },
      false,
      ['sign'],
    );
    return webKey.then(async (key) => {
      const digest = new Uint8Array(await crypto.subtle.sign('HMAC', key, concat(parts)));
      return encoding.encode(digest);
    });
  };
}
