/** Hash functions a webhook HMAC may use. */
export type HmacAlgorithm = 'SHA-256' | 'SHA-512' | 'SHA-1';

interface NodeHmac {
  createHmac(algorithm: string, key: unknown): { update(data: Uint8Array): unknown; digest(): Uint8Array };
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
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      nodeEngine = (proc?.getBuiltinModule?.('node:crypto') as NodeHmac | undefined) ?? null;
    } catch {
      nodeEngine = null;
    }
  }
  return nodeEngine;
}

/** Forces Web Crypto (`true`) or re-detects the engine (`false`). For tests and benchmarks. */
export function forceWebCrypto(on: boolean): void {
  nodeEngine = on ? null : undefined;
}

/** Compares two byte arrays in time independent of their contents (lengths are public). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Web Crypto wants ArrayBuffer-backed views; ours always are. */
const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

function anyEqual(digest: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  let found = false;
  // No early exit: every candidate costs the same whether or not an earlier one matched.
  for (const c of candidates) found = constantTimeEqual(digest, c) || found;
  return found;
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (parts.length === 1) return view(parts[0] as Uint8Array);
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An HMAC key imported once and reused for every delivery. */
export interface HmacKey {
  /** The HMAC of the concatenated `parts`. */
  sign(parts: readonly Uint8Array[]): Promise<Uint8Array>;
  /**
   * True when any candidate equals the HMAC of `parts` (constant-time per candidate).
   * Synchronous on the Node engine, a promise on Web Crypto.
   */
  match(parts: readonly Uint8Array[], candidates: readonly Uint8Array[]): boolean | Promise<boolean>;
}

/** Wraps raw key bytes; the Node `KeyObject` or Web `CryptoKey` is created on first use and cached. */
export function hmacKey(secret: Uint8Array, algorithm: HmacAlgorithm): HmacKey {
  let nodeKey: unknown;
  let webKey: Promise<CryptoKey> | undefined;
  const nodeName = algorithm.replace('-', '').toLowerCase();
  const web = () =>
    (webKey ??= crypto.subtle.importKey('raw', view(secret), { name: 'HMAC', hash: algorithm }, false, [
      'sign',
      'verify',
    ]));

  const nodeDigest = (n: NodeHmac, parts: readonly Uint8Array[]): Uint8Array => {
    nodeKey ??= n.createSecretKey(secret);
    const h = n.createHmac(nodeName, nodeKey);
    for (const p of parts) h.update(p);
    return h.digest();
  };

  return {
    async sign(parts) {
      const n = engine();
      if (n) return new Uint8Array(nodeDigest(n, parts));
      return new Uint8Array(await crypto.subtle.sign('HMAC', await web(), concat(parts)));
    },
    match(parts, candidates) {
      const n = engine();
      if (n) return anyEqual(nodeDigest(n, parts), candidates);
      if (candidates.length === 1) {
        return web().then((key) => crypto.subtle.verify('HMAC', key, view(candidates[0] as Uint8Array), concat(parts)));
      }
      return web()
        .then((key) => crypto.subtle.sign('HMAC', key, concat(parts)))
        .then((digest) => anyEqual(new Uint8Array(digest), candidates));
    },
  };
}
