import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forceWebCrypto } from '../../src/webhooks/hmac.js';
import {
  github,
  hmac,
  isWebhookVerificationError,
  retell,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookScheme,
} from '../../src/webhooks/index.js';

// Each scheme gets RUNS random mutations of a freshly signed delivery; every one must be refused
// with a WebhookVerificationError. 7 schemes × 15,000 = 105,000 mutations on the Node engine,
// plus 4 × 1,500 on Web Crypto.
const RUNS = 15_000;
const VALID_RUNS = 1_000;
const TOLERANCE = 300;

interface Case {
  scheme: (secret: string) => WebhookScheme;
  /** Headers covered by the signature (mutating the others is not a forgery). */
  signed: string[];
  /** The scheme also reads uppercase hex: a case flip there is the same signature. */
  caseInsensitive?: boolean;
  timed: boolean;
}

const cases: Record<string, Case> = {
  standardWebhooks: {
    scheme: (s) => standardWebhooks({ secret: `whsec_${btoa(s)}` }),
    signed: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    timed: true,
  },
  stripe: { scheme: (s) => stripe({ secret: s }), signed: ['stripe-signature'], timed: true },
  github: { scheme: (s) => github({ secret: s }), signed: ['x-hub-signature-256'], timed: false },
  shopify: { scheme: (s) => shopify({ secret: s }), signed: ['x-shopify-hmac-sha256'], timed: false },
  slack: {
    scheme: (s) => slack({ signingSecret: s }),
    signed: ['x-slack-signature', 'x-slack-request-timestamp'],
    timed: true,
  },
  retell: { scheme: (s) => retell({ apiKey: s }), signed: ['x-retell-signature'], caseInsensitive: true, timed: true },
  hmac: {
    scheme: (s) => hmac({ header: 'x-signature', prefix: 'sha256=', secret: s }),
    signed: ['x-signature'],
    caseInsensitive: true,
    timed: false,
  },
};

const KINDS = [
  'flip',
  'insert',
  'delete',
  'truncate',
  'replace-char',
  'remove-char',
  'append-char',
  'drop-header',
  'repeat-header',
  'stale',
  'future',
  'wrong-secret',
] as const;

const mutation = fc.record({
  kind: fc.constantFrom(...KINDS),
  pos: fc.nat(),
  bit: fc.integer({ min: 0, max: 7 }),
  byte: fc.integer({ min: 0, max: 255 }),
  char: fc.integer({ min: 0x21, max: 0x7e }),
  which: fc.nat(),
  form: fc.constantFrom('object', 'pairs', 'headers'),
});

const SECRET = 'fuzz-secret-0123456789';
let executed = 0;

afterAll(() => {
  // Printed so the closing note can quote it.
  console.log(`webhook fuzz: ${executed} mutated deliveries refused`);
});

function asInput(body: Uint8Array, headers: Record<string, string>, form: string, repeat?: string) {
  const pairs = Object.entries(headers);
  if (repeat) pairs.push([repeat.toUpperCase(), headers[repeat] as string]);
  if (form === 'headers') {
    const h = new Headers();
    for (const [k, v] of pairs) h.append(k, v);
    return { body, headers: h };
  }
  if (form === 'pairs') return { body, headers: pairs };
  // Object: a repeat is a second key differing in case.
  return { body, headers: Object.fromEntries(pairs) };
}

const WEB_RUNS = 1_500;
const runs: Array<[string, Case, number, boolean]> = [
  ...Object.entries(cases).map(([name, c]) => [name, c, RUNS, false] as [string, Case, number, boolean]),
  // The same property on the Web Crypto engine (edge runtimes), fewer runs: each costs ~30 µs more.
  ...['standardWebhooks', 'stripe', 'shopify', 'retell'].map(
    (name) => [name, cases[name] as Case, WEB_RUNS, true] as [string, Case, number, boolean],
  ),
];

describe.each(runs)('fuzz %s (%i runs, Web Crypto: %s)', (name, c, numRuns, web) => {
  beforeAll(() => forceWebCrypto(web));
  afterAll(() => forceWebCrypto(false));
  const scheme = c.scheme(SECRET);
  const wrong = ['fuzz-secret-0123456788', 'other', `${SECRET}x`].map((s) => c.scheme(s));

  it(`${numRuns} random mutations are never accepted`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 48 }), mutation, async (original, m) => {
        const now = Date.now();
        let body = original;
        let headers = await signWebhook(body, scheme);
        let verifier = scheme;
        let repeat: string | undefined;
        const header = c.signed[m.which % c.signed.length] as string;
        const value = headers[header] as string;
        const at = m.pos % value.length;
        const put = (next: string) => {
          headers = { ...headers, [header]: next };
        };
        switch (m.kind) {
          case 'flip':
            body = body.length ? body.slice() : new Uint8Array([m.byte]);
            if (original.length) {
              const i = m.pos % body.length;
              body[i] = (body[i] as number) ^ (1 << m.bit);
            }
            break;
          case 'insert': {
            const i = m.pos % (body.length + 1);
            body = new Uint8Array([...body.slice(0, i), m.byte, ...body.slice(i)]);
            break;
          }
          case 'delete':
            body = body.length
              ? new Uint8Array([...body.slice(0, m.pos % body.length), ...body.slice((m.pos % body.length) + 1)])
              : new Uint8Array([m.byte]);
            break;
          case 'truncate':
            body = body.length ? body.slice(0, m.pos % body.length) : new Uint8Array([m.byte]);
            break;
          case 'replace-char': {
            let ch = String.fromCharCode(m.char);
            if (ch === value[at]) ch = String.fromCharCode(m.char === 0x7e ? 0x21 : m.char + 1);
            const next = value.slice(0, at) + ch + value.slice(at + 1);
            // Same hex digest spelled in another case: not a different signature.
            if (c.caseInsensitive && next.toLowerCase() === value.toLowerCase())
              put(`${value.slice(0, at)}!${value.slice(at + 1)}`);
            else put(next);
            break;
          }
          case 'remove-char':
            put(value.slice(0, at) + value.slice(at + 1));
            break;
          case 'append-char':
            put(value + String.fromCharCode(m.char));
            break;
          case 'drop-header':
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== header));
            break;
          case 'repeat-header':
            repeat = header;
            break;
          case 'stale':
          case 'future':
            if (c.timed) {
              const offset = TOLERANCE + 1 + (m.pos % 1_000_000);
              const ts = Math.floor(now / 1000) + (m.kind === 'stale' ? -offset : offset);
              headers = await signWebhook(body, scheme, { timestamp: ts });
            } else verifier = wrong[m.pos % wrong.length] as WebhookScheme;
            break;
          case 'wrong-secret':
            verifier = wrong[m.pos % wrong.length] as WebhookScheme;
            break;
        }
        executed++;
        let accepted = false;
        try {
          await verifyWebhook(asInput(body, headers, m.form, repeat), verifier, { now, toleranceSec: TOLERANCE });
          accepted = true;
        } catch (error) {
          if (!isWebhookVerificationError(error)) throw error;
          if ((m.kind === 'stale' || m.kind === 'future') && c.timed)
            expect(error.reason).toBe('timestamp_out_of_range');
          if (m.kind === 'wrong-secret') expect(error.reason).toBe('invalid_signature');
        }
        if (accepted) throw new Error(`${name}: a ${m.kind} mutation was accepted`);
      }),
      { numRuns },
    );
  });

  it(`${VALID_RUNS} valid deliveries are always accepted`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 256 }),
        fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/),
        fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
        fc.constantFrom('object', 'pairs', 'headers'),
        async (body, id, skew, form) => {
          const now = Date.now();
          const timestamp = Math.floor(now / 1000) + skew;
          const headers = await signWebhook(body, scheme, { id, timestamp });
          // Header names in random case.
          const cased = Object.fromEntries(
            Object.entries(headers).map(([k, v], i) => [i % 2 ? k.toUpperCase() : k, v]),
          );
          const ok = await verifyWebhook(asInput(body, cased, form), scheme, { now, toleranceSec: TOLERANCE + 1 });
          expect(ok.raw).toEqual(body);
          if (name === 'standardWebhooks' || name === 'github' || name === 'shopify') expect(ok.id).toBe(id);
        },
      ),
      { numRuns: VALID_RUNS },
    );
  });
});

describe('digest encodings and shapes', () => {
  it('hex and base64 encoders match node:crypto; the shapes accept exactly canonical SHA-256 digests', async () => {
    const { BASE64, HEX, fromBase64 } = await import('../../src/webhooks/encoding.js');
    const toBase64 = BASE64.encode;
    const toHex = HEX.encode;
    const { BASE64_256, HEX_256 } = await import('../../src/webhooks/scheme-helpers.js');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const node = new Uint8Array(bytes);
        expect(toBase64(bytes)).toBe(btoa(String.fromCharCode(...node)));
        expect(toHex(bytes)).toBe(Array.from(node, (b) => b.toString(16).padStart(2, '0')).join(''));
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(BASE64_256.test(toBase64(bytes))).toBe(bytes.length === 32);
        expect(HEX_256.test(toHex(bytes))).toBe(bytes.length === 32);
      }),
      { numRuns: 2_000 },
    );
    // Any 44-character string the shape accepts decodes to 32 bytes and re-encodes to itself:
    // one spelling per signature.
    fc.assert(
      fc.property(
        fc.string({ minLength: 44, maxLength: 44, unit: fc.constantFrom(...'AQgwEBZz09+/= -_'.split('')) }),
        (text) => {
          if (!BASE64_256.test(text)) return;
          const decoded = fromBase64(text) as Uint8Array;
          expect(decoded.length).toBe(32);
          expect(toBase64(decoded)).toBe(text);
        },
      ),
      { numRuns: 5_000 },
    );
    expect(HEX_256.test('A'.repeat(64))).toBe(false);
    expect(BASE64_256.test(`${'A'.repeat(42)}B=`)).toBe(false);
  });

  it('equal() is string equality', async () => {
    const { equal } = await import('../../src/webhooks/hmac.js');
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        expect(equal(a, b)).toBe(a === b);
        expect(equal(a, a)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('equal() from an offset compares exactly the rest of the received string', async () => {
    const { equal } = await import('../../src/webhooks/hmac.js');
    const unit = fc.constantFrom(...'ab0='.split(''));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6, unit }),
        fc.string({ maxLength: 6, unit }),
        fc.string({ maxLength: 6, unit }),
        fc.nat(8),
        (digest, prefix, rest, at) => {
          expect(equal(digest, prefix + rest, prefix.length)).toBe(digest === rest);
          // An offset past the end leaves nothing to match but the empty digest.
          expect(equal(digest, prefix, prefix.length + at)).toBe(digest === '' && at === 0);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
