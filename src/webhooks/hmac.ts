import { concat, utf8 } from './encoding.js';

/** What an HMAC is computed over: byte arrays and ASCII strings (header values), concatenated. */
export type HmacPart = Uint8Array | string;

/** Hash functions a webhook HMAC may use. */
export type HmacAlgorithm = 'SHA-256' | 'SHA-512' | 'SHA-1';

interface NodeHmac {
  createHmac(algorithm: string, key: unknown): { update(data: HmacPart): unknown; digest(): Uint8Array };
  createSecretKey(key: Uint8Array): unknown;
}

let nodeEngine: NodeHmac | null | undefined;

/**
 * Node's synchronous HMAC, found through `process.getBuiltinModule` (Node >= 20.16, Bun, Deno)
 * rather than imported, so bundles for edge runtimes stay Web-only. Node's Web Crypto hops to
 * the thread pool for every `sign`/`verify` (~25 µs against ~3 µs here); everywhere else the
 * HMAC runs on Web Crypto.
 */
function engine(): NodeHmac | null {
  if (nodeEngine === undefined) {
    try {
      nodeEngine = (
        globalThis as { process?: { getBuiltinModule?: (id: string) => NodeHmac } }
      ).process?.getBuiltinModule?.('node:crypto');
    } catch {
      // no built-ins here
    }
    nodeEngine ??= null;
  }
  return nodeEngine;
}

/** Forces Web Crypto (`true`) or re-detects the engine (`false`). For tests and benchmarks. */
export function forceWebCrypto(on: boolean): void {
  nodeEngine = on ? null : undefined;
}

/**
 * True when `digest` equals any candidate. Each comparison runs in time independent of the
 * bytes (lengths are public), and there is no early exit after a match.
 */
function anyEqual(digest: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  let found = false;
  for (const c of candidates) {
    let diff = c.length ^ digest.length;
    for (let i = 0; i < c.length && i < digest.length; i++) diff |= (c[i] as number) ^ (digest[i] as number);
    found = diff === 0 || found;
  }
  return found;
}

/** An HMAC key imported once and reused for every delivery. */
export interface HmacKey {
  /** The HMAC of the concatenated `parts`. */
  sign(parts: readonly HmacPart[]): Promise<Uint8Array>;
  /** True when any candidate equals the HMAC of `parts`; synchronous on the Node engine. */
  match(parts: readonly HmacPart[], candidates: readonly Uint8Array[]): boolean | Promise<boolean>;
}

/** Wraps raw key bytes; the Node `KeyObject` or Web `CryptoKey` is created on first use and cached. */
export function hmacKey(secret: Uint8Array, algorithm: HmacAlgorithm): HmacKey {
  let nodeKey: unknown;
  let webKey: Promise<CryptoKey> | undefined;
  const nodeName = `sha${algorithm.slice(4)}`;
  const digest = (parts: readonly HmacPart[]): Uint8Array | Promise<Uint8Array> => {
    const n = engine();
    if (n) {
      nodeKey ??= n.createSecretKey(secret);
      const h = n.createHmac(nodeName, nodeKey);
      for (const p of parts) h.update(p);
      return h.digest();
    }
    webKey ??= crypto.subtle.importKey(
      'raw',
      secret as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: algorithm },
      false,
      ['sign'],
    );
    return webKey
      .then((key) =>
        crypto.subtle.sign(
          'HMAC',
          key,
          concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : p))) as Uint8Array<ArrayBuffer>,
        ),
      )
      .then((d) => new Uint8Array(d));
  };
  return {
    sign: async (parts) => new Uint8Array(await digest(parts)),
    match(parts, candidates) {
      const d = digest(parts);
      return d instanceof Uint8Array ? anyEqual(d, candidates) : d.then((x) => anyEqual(x, candidates));
    },
  };
}
